using MLNet.SentenceEmbeddings.Bench;
using MLNet.SentenceEmbeddings.Cli.CommandLine;

return CliRunner.Run(BenchRootCommand.Create(), args, BenchRootCommand.Conventions);
