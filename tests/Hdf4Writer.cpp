#include "Hdf4Writer.h"

#include <mfhdf.h>

#include <stdexcept>

namespace hsifuse::test {

void writeHdf4Int16(const std::string& path, const std::string& name, const int (&dims)[3],
                    const std::vector<short>& values, const std::string& attribute, const std::string& value) {
  if (values.size() != static_cast<std::size_t>(dims[0]) * dims[1] * dims[2])
    throw std::runtime_error("writeHdf4Int16: the values do not fill the dataset");
  const int32 sd = SDstart(path.c_str(), DFACC_CREATE);
  if (sd == FAIL) throw std::runtime_error("writeHdf4Int16: cannot create " + path);
  int32 size[3] = {dims[0], dims[1], dims[2]}, start[3] = {0, 0, 0};
  const int32 sds = SDcreate(sd, name.c_str(), DFNT_INT16, 3, size);
  const bool ok = sds != FAIL && SDwritedata(sds, start, nullptr, size, const_cast<short*>(values.data())) != FAIL &&
                  SDsetattr(sd, attribute.c_str(), DFNT_CHAR8, static_cast<int32>(value.size()), value.c_str()) != FAIL;
  if (sds != FAIL) SDendaccess(sds);
  SDend(sd);
  if (!ok) throw std::runtime_error("writeHdf4Int16: cannot write " + path);
}

}  // namespace hsifuse::test
