#pragma once
// GDAL's own TIFF tag, GDAL_METADATA (42112: an XML list of metadata items), read and rewritten in place. GDAL 3.6's
// CreateCopy into a GeoTIFF or COG keeps only the safe metadata domains (3.8 added COPY_SRC_MDD), so a COG lost the
// bands' IMAGERY wavelengths and the ENVI lists; and a COG opened for update has its IFD moved to the end of the file,
// which breaks the COG layout. The writer therefore reserves room in the tag through the copy and writes the dropped
// items into it afterwards: same length, same place, so every offset in the file stays as it was.
#include <string>

namespace hsifuse {

// The tag's text in the first IFD ("" when the file has none). Throws Error when the file is not a TIFF.
std::string readGdalMetadataTag(const std::string& path);
// Replaces the tag's text with `xml`, padded with spaces to the tag's length; Error when `xml` is longer or the file
// has no such tag.
void rewriteGdalMetadataTag(const std::string& path, const std::string& xml);

}  // namespace hsifuse
