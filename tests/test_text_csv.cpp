#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "TestSupport.h"
#include "lib/core/AtomicOutput.h"
#include "lib/core/CsvTable.h"
#include "lib/core/Error.h"
#include "lib/core/Text.h"
#include "lib/spectral/SpectralBand.h"

using namespace hsifuse;

TEST(Text, ParsesEnviListsAndPlainLists) {
  auto v = parseNumberList("{ 426.82, 436.99,447.17 }", "x");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_DOUBLE_EQ(v[1], 436.99);
  EXPECT_EQ(parseNumberList("1,2", "x").size(), 2u);
  EXPECT_TRUE(parseNumberList("{}", "x").empty());
  EXPECT_THROW(parseNumberList("{1, two}", "x"), InputError);
}

TEST(Text, NumbersAreCheckedWhole) {
  EXPECT_DOUBLE_EQ(parseDouble(" 2.5 ", "x"), 2.5);
  EXPECT_THROW(parseDouble("2.5nm", "x"), InputError);
  EXPECT_THROW(parseInt("7.5", "x"), InputError);
  EXPECT_EQ(parseInt("-3", "x"), -3);
  try {
    parseDouble("abc", "--min-coverage");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--min-coverage"), std::string::npos);
    EXPECT_EQ(e.exitCode(), kExitBadInput);
  }
}

TEST(Units, KnownSpellingsAnyCase) {
  EXPECT_EQ(nanometresPerUnit("nm"), 1.0);
  EXPECT_EQ(nanometresPerUnit("Nanometers"), 1.0);
  EXPECT_EQ(nanometresPerUnit("MICROMETERS"), 1000.0);
  EXPECT_EQ(nanometresPerUnit("um"), 1000.0);
  EXPECT_EQ(nanometresPerUnit(" micrometres "), 1000.0);
  EXPECT_FALSE(nanometresPerUnit("furlongs").has_value());
  EXPECT_FALSE(nanometresPerUnit("wavenumber").has_value());
}

TEST(Csv, RaggedAndEmptyTablesAreRejectedWithTheFileName) {
  EXPECT_THROW(CsvTable::parse("a,b\n1,2\n3\n", "t.csv"), InputError);
  EXPECT_THROW(CsvTable::parse("# only a comment\n", "t.csv"), InputError);
  try {
    CsvTable::load("/nonexistent/x.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.csv"), std::string::npos);
  }
  auto t = CsvTable::parse("# comment\nWavelength_nm, B1\n400,0.5\n", "t.csv");
  EXPECT_EQ(t.findColumn("wavelength_nm"), 0);
  EXPECT_DOUBLE_EQ(t.number(0, 1), 0.5);
}

TEST(AtomicOutput, RefusesExistingUnlessOverwriteAndLeavesNoTemporary) {
  test::TempDir dir;
  const std::string p = dir.path("p.csv");
  writeTextFileAtomically(p, "a\n", false, "--p-out");
  EXPECT_THROW(writeTextFileAtomically(p, "b\n", false, "--p-out"), InputError);
  writeTextFileAtomically(p, "b\n", true, "--p-out");
  EXPECT_EQ(dir.files(), std::vector<std::string>{"p.csv"});
  EXPECT_THROW(checkOutputPath(dir.path("missing/x.tif"), false, "output"), InputError);
}

TEST(AtomicOutput, AMultiFileWriteKeepsAllOrNothing) {
  test::TempDir dir;
  auto writeTwo = [&](bool secondFails) {
    FilesToRemoveOnFailure written;
    writeTextFileAtomically(dir.path("out.tif"), "cube\n", true, "OUTPUT");
    written.add(dir.path("out.tif"));
    if (secondFails) throw Error("disk full");
    writeTextFileAtomically(dir.path("out.json"), "{}\n", true, "--report");
    written.add(dir.path("out.json"));
    written.keep();
  };
  EXPECT_THROW(writeTwo(true), Error);
  EXPECT_TRUE(dir.files().empty());
  writeTwo(false);
  EXPECT_EQ(dir.files().size(), 2u);
}

TEST(AtomicOutput, AnOutputThatIsAnInputOrAnotherOutputIsRefusedEvenWithOverwrite) {
  test::TempDir dir;
  const std::string in = dir.path("in.tif");
  writeTextFileAtomically(in, "data\n", false, "x");
  std::filesystem::create_directory(dir.path("sub"));
  std::filesystem::create_symlink(in, dir.path("link.tif"));
  std::filesystem::create_hard_link(in, dir.path("hard.tif"));
  const std::vector<NamedPath> inputs{{in, "LR_HSI"}, {"", "--srf"}, {"-", "--model"}};
  auto message = [&](const std::vector<NamedPath>& outs) {
    try {
      checkOutputs(outs, inputs, true);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // Every spelling of the input: itself, through "..", a symbolic link, a hard link.
  for (const std::string& spelling : {in, dir.path("sub/../in.tif"), dir.path("link.tif"), dir.path("hard.tif")}) {
    const std::string m = message({{spelling, "OUTPUT"}});
    EXPECT_NE(m.find("OUTPUT"), std::string::npos) << spelling;
    EXPECT_NE(m.find("LR_HSI"), std::string::npos) << m;
  }
  // GDAL dataset names that read the input: a connection string, a /vsi path into it (issue #13's non-file names).
  for (const std::string& name : {"GTIFF_DIR:1:" + in, "NETCDF:\"" + in + "\":band", "/vsizip/" + in + "/x.tif"}) {
    const std::string m = message({{in, "OUTPUT"}});
    EXPECT_NE(m.find("LR_HSI"), std::string::npos) << name;
    try {
      checkOutputs({{in, "OUTPUT"}}, {{name, "MSI"}}, true);
      ADD_FAILURE() << name << " was not seen as naming " << in;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("MSI"), std::string::npos) << e.what();
    }
    EXPECT_EQ(filesNamedBy(name), (std::vector<std::string>{name, in})) << name;
  }
  EXPECT_EQ(filesNamedBy(in), (std::vector<std::string>{in}));
  // Two outputs on one (not yet existing) file, named both.
  const std::string m = message({{dir.path("a.tif"), "OUTPUT"}, {dir.path("sub/../a.tif"), "--report"}});
  EXPECT_NE(m.find("--report"), std::string::npos) << m;
  EXPECT_NE(m.find("OUTPUT"), std::string::npos) << m;
  // A folder is never replaced; distinct files, "-" and empty paths pass.
  EXPECT_NE(message({{dir.path("sub"), "OUTPUT"}}).find("not a regular file"), std::string::npos);
  EXPECT_EQ(
      message({{dir.path("a.tif"), "OUTPUT"}, {"-", "--report"}, {"", "--quicklook"}, {dir.path("b.json"), "--x"}}),
      "");
  // A temporary left by a killed run (its PID gone) is removed by the next run writing that output; one of a
  // live process is left alone.
  const pid_t gone = fork();
  if (gone == 0) _exit(0);
  waitpid(gone, nullptr, 0);
  const std::string stale = dir.path(".a.tif.tmp-" + std::to_string(gone) + "-1.tif");
  const std::string live = dir.path(".a.tif.tmp-" + std::to_string(getpid()) + "-7.tif");
  std::ofstream(stale) << "";
  std::ofstream(live) << "";
  checkOutputs({{dir.path("a.tif"), "OUTPUT"}}, inputs, false);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(live));
  std::ifstream back(in);
  std::string text;
  std::getline(back, text);
  EXPECT_EQ(text, "data");
}
