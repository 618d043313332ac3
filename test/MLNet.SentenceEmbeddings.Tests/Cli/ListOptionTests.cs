using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli.CommandLine;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary>
/// Comma-separated list options (--configs, --tables, --rows, ...): absent must read as "not given", since each
/// command's default is "all"; System.CommandLine alone reads an absent array option as an empty array.
/// </summary>
[TestClass]
public class ListOptionTests
{
    private static readonly Option<string[]?> Configs = CliOptions.List("--configs", "ids");

    private static string[]? Parse(params string[] args) => new RootCommand { Configs }.Parse(args).GetList(Configs);

    [TestMethod]
    public void AnAbsentListIsNull() => Assert.IsNull(Parse());

    [TestMethod]
    public void EntriesAreTrimmedAndEmptyOnesDropped() => CollectionAssert.AreEqual(new[] { "a", "b" }, Parse("--configs", " a, b,,"));

    [TestMethod]
    public void AListOfNothingReadsAsAbsent() => Assert.IsNull(Parse("--configs", ","));
}
