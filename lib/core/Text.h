#pragma once
// Small string helpers shared by the parsers (CSV, metadata lists, option values).
#include <string>
#include <string_view>
#include <vector>

namespace hsifuse {

std::string trim(std::string_view s);
std::string toLower(std::string_view s);
std::string toUpper(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
// Parses a whole string as a finite or infinite double; throws InputError naming `what` otherwise.
double parseDouble(std::string_view s, const std::string& what);
int parseInt(std::string_view s, const std::string& what);
// Parses "{1.0, 2.0, 3}" or "1.0,2.0,3" (ENVI header lists, GDAL metadata) into numbers.
std::vector<double> parseNumberList(std::string_view s, const std::string& what);
// Splits "KEY=VALUE"; throws InputError naming `option` when there is no '='.
std::pair<std::string, std::string> splitKeyValue(std::string_view s, const std::string& option);
// The whole file as text; throws InputError "PATH: cannot open the WHAT (check the path and permissions)".
std::string readTextFile(const std::string& path, const std::string& what);

}  // namespace hsifuse
