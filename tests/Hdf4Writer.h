#pragma once
// A minimal HDF4 writer for test fixtures that GDAL cannot write in their real layout (a Hyperion L1R: one Int16
// scientific dataset of lines x bands x samples). Kept apart from the tests' sources: HDF4's headers define macros
// (FAIL, SUCCEED) that collide with GoogleTest's.
#include <string>
#include <vector>

namespace hsifuse::test {

// Writes `path` with one Int16 scientific dataset `name` of dims[0] x dims[1] x dims[2] (values in C order) and
// one global text attribute. Throws std::runtime_error when HDF4 refuses.
void writeHdf4Int16(const std::string& path, const std::string& name, const int (&dims)[3],
                    const std::vector<short>& values, const std::string& attribute, const std::string& value);

}  // namespace hsifuse::test
