// OpenBCI GUI text import against the shared recording and malformed input.
#include <gtest/gtest.h>

#include "formats/openbci_reader.hpp"
#include "formats/test_support.hpp"

namespace eegd::formats {
namespace {

TEST(OpenbciReader, ReadsTheGuiV6File) {
  auto r = read_openbci_text(testing::shared_data("OpenBCI_GUI-v6-blinks-jawClench-alpha.txt"));
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(r->rate_hz, 250.0);
  EXPECT_EQ(r->frames, 22490u);
  ASSERT_EQ(r->channel_names.size(), 8u);
  EXPECT_EQ(r->channel_names[0], "EXG Channel 0");
  EXPECT_EQ(r->counter_gaps, 0u);
  EXPECT_EQ(r->first_timestamp_ms, 1557936053329);
  EXPECT_FLOAT_EQ(r->values[0], 61379.36f);
  EXPECT_FLOAT_EQ(r->values[7], 1740.11f);
  EXPECT_FLOAT_EQ(r->values[8], 60973.46f);  // second row, channel 0
  EXPECT_EQ(r->board, "OpenBCI_GUI$BoardCytonSerial");
}

TEST(OpenbciReader, ErrorsNameTheLine) {
  const std::string head = "%OpenBCI Raw EXG Data\n%Sample Rate = 250 Hz\nSample Index, EXG Channel 0, EXG Channel 1\n";
  auto bad = parse_openbci_text(head + "0, 1.5, 2.5\n1, 1.5, x\n", "f.txt");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.err().message, "f.txt:5: column 'EXG Channel 1': not a number: 'x'");
  auto short_row = parse_openbci_text(head + "0, 1.5\n", "f.txt");
  ASSERT_FALSE(short_row);
  EXPECT_EQ(short_row.err().message, "f.txt:4: expected 3 columns, found 2");
  auto gap = parse_openbci_text(head + "0, 1, 2\n1, 1, 2\n5, 1, 2\n", "f.txt");
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->counter_gaps, 1u);
  EXPECT_FALSE(parse_openbci_text("Sample Index, EXG Channel 0\n0, 1\n", "f.txt"));
}

}  // namespace
}  // namespace eegd::formats
