#include "geo/GdalEnvironment.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <proj.h>

#include <iostream>
#include <mutex>

namespace hsifuse {
namespace {

std::function<void(const std::string&)>& warningSink() {
  static std::function<void(const std::string&)> sink = [](const std::string& m) {
    std::cerr << "Warning: " << m << "\n";
  };
  return sink;
}

thread_local std::string lastError;

void CPL_STDCALL errorHandler(CPLErr level, CPLErrorNum, const char* msg) {
  if (level == CE_Warning) {
    if (warningSink()) warningSink()(msg ? msg : "");
  } else if (level >= CE_Failure) {
    lastError = msg ? msg : "";
  }
}

}  // namespace

void initGdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(errorHandler);
  });
}

void setGdalWarningSink(std::function<void(const std::string&)> sink) {
  warningSink() = std::move(sink);
}

std::string takeGdalError() {
  std::string m = std::move(lastError);
  lastError.clear();
  return m;
}

void setGdalConfigOption(const std::string& key, const std::string& value) {
  CPLSetConfigOption(key.c_str(), value.c_str());
}

namespace {
CPLStringList& openOptionList() {
  static CPLStringList list;
  return list;
}
}  // namespace

void addGdalOpenOption(const std::string& key, const std::string& value) {
  openOptionList().SetNameValue(key.c_str(), value.c_str());
}

const char* const* gdalOpenOptions() {
  return openOptionList().Count() > 0 ? openOptionList().List() : nullptr;
}

double capGdalBlockCache(double megabytes) {
  initGdal();
  if (CPLGetConfigOption("GDAL_CACHEMAX", nullptr) == nullptr)
    GDALSetCacheMax64(static_cast<GIntBig>(megabytes * 1024 * 1024));
  return GDALGetCacheMax64() / (1024.0 * 1024.0);
}

std::string gdalVersion() {
  return GDALVersionInfo("RELEASE_NAME");
}

std::string projVersion() {
  return proj_info().version;
}

}  // namespace hsifuse
