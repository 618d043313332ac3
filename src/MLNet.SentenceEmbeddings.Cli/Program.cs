using MLNet.SentenceEmbeddings.Cli;
using MLNet.SentenceEmbeddings.Cli.CommandLine;

return CliRunner.Run(SbertCommand.Create(), args, SbertCommand.Conventions);
