#pragma once
// One place that sets GDAL up: drivers registered once, errors captured instead of printed (they
// become the messages of our exceptions), warnings forwarded to a sink that the CLI points at stderr.
#include <functional>
#include <string>

namespace hsifuse {

void initGdal();
// Where GDAL warnings go; the default prints "Warning: <msg>" on stderr. Pass {} to silence.
void setGdalWarningSink(std::function<void(const std::string&)> sink);
// The message of the last GDAL error on this thread, or "" (then resets it).
std::string takeGdalError();
// --config KEY=VALUE
void setGdalConfigOption(const std::string& key, const std::string& value);
// --oo KEY=VALUE: a dataset open option every input raster of the run is opened with (as gdal_translate -oo; a
// driver ignores, with a warning, the options it does not know).
void addGdalOpenOption(const std::string& key, const std::string& value);
// The open options set so far, as GDALOpenEx takes them (nullptr-terminated; nullptr when none).
const char* const* gdalOpenOptions();
// Caps GDAL's block cache at `megabytes` (its default is 5 % of the machine's memory, which a streamed job
// would otherwise fill on top of its own budget), unless the user chose GDAL_CACHEMAX (environment or
// --config). Returns the cap in effect, in MB.
double capGdalBlockCache(double megabytes);
std::string gdalVersion();
std::string projVersion();

}  // namespace hsifuse
