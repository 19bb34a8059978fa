// tests/text/fold_test.cc — FoldForSearch (text/fold.h): the search's folding, the twin of
// PostgreSQL's crm_fold() for Latin letters.
#include "text/fold.h"

#include <gtest/gtest.h>

namespace crm::text {
namespace {

TEST(FoldForSearch, LowersAndRemovesAccents) {
  EXPECT_EQ(FoldForSearch("Élise"), "elise");
  EXPECT_EQ(FoldForSearch("AMÉLIE Lefèvre"), "amelie lefevre");
  EXPECT_EQ(FoldForSearch("François Çà"), "francois ca");
  EXPECT_EQ(FoldForSearch("Straße Æsir Œuvre Łódź"), "strasse aesir oeuvre lodz");
  EXPECT_EQ(FoldForSearch("Île-de-France, Zoë, Ñandú"), "ile-de-france, zoe, nandu");
}

TEST(FoldForSearch, KeepsWhatItDoesNotKnow) {
  EXPECT_EQ(FoldForSearch("100% × 2 ÷ 3"), "100% × 2 ÷ 3");
  EXPECT_EQ(FoldForSearch("Ωμέγα €"), "Ωμέγα €");
  EXPECT_EQ(FoldForSearch(std::string("\xC3")), std::string("\xC3"));  // truncated UTF-8
  EXPECT_EQ(FoldForSearch(""), "");
}

}  // namespace
}  // namespace crm::text
