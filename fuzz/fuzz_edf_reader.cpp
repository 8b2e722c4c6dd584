// Feeds arbitrary bytes to the EDF/BDF(+) reader: header validation, record
// decoding and TAL parsing. Errors are fine; crashes, hangs, leaks, huge
// allocations and sanitizer reports are bugs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/edf_reader.hpp"
#include "formats/openbci_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (auto r = eegd::formats::edf_reader::from_bytes(bytes, "fuzz")) {
    std::vector<std::vector<std::int32_t>> record;
    for (std::int64_t k = 0; k < (*r)->records(); ++k)
      if (!(*r)->read_record(k, record)) break;
    (void)(*r)->read_annotations();
  }
  // The same bytes as an OpenBCI text file: its parser takes outside input too.
  (void)eegd::formats::parse_openbci_text(bytes, "fuzz");
  return 0;
}
