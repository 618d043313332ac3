using MLNet.SentenceEmbeddings.Cli;
using MLNet.SentenceEmbeddings.Cli.Commands;

// Exit codes: 0 success, 1 a failure while running (message on stderr), 2 a usage error.
const string Usage =
    "sbert: Sentence-BERT embeddings for .NET\n\n" +
    "Commands:\n" +
    "  embed          embed the lines of a text file into a TSV\n" +
    "  train          fine-tune an encoder (softmax, regression, triplet, mnrl, cosent) and save it\n" +
    "  bench encoder  sentences/s of this encoder (fp32, bf16) vs ONNX Runtime; writes docs/benchmarks.md\n" +
    "  bench memory   resident memory while embedding 100k sentences; writes docs/benchmarks.md\n" +
    "  bench transform  the ML.NET transform vs the core encoder, before and after Save/Load; writes docs/benchmarks.md\n" +
    "  bench training the paper's training experiments (STSb regression, NLI softmax, SNLI triplets); writes docs/training.md\n" +
    "  bench efficiency  the 10k-sentence bi- vs cross-encoder experiment, smart batching, quantized search; writes docs/efficiency.md\n" +
    "  bench cross-encoder  trains a cross-encoder on STSb and compares it with the bi-encoder; writes docs/efficiency.md\n" +
    "  bench plots    STS scatter (cosine vs gold) and the speed chart as PNGs in docs/\n" +
    "  eval senteval  SentEval transfer tasks (MR, CR, SUBJ, MPQA, SST2, TREC, MRPC) with ML.NET logistic regression\n" +
    "  bench senteval every SentEval configuration (poolings, encoders, baselines); writes docs/senteval.md\n" +
    "  eval sts       Spearman/Pearson of embedding similarity vs gold STS scores (STSb, SICK-R, STS12-16, TSV)\n" +
    "  eval triplet   triplet accuracy (SNLI premise/entailment/contradiction, or a TSV)\n" +
    "  reproduce      the paper's Tables 1, 2, 5, 6 and 7 on the data and encoders here; writes docs/reproduction.md\n\n" +
    "Run 'sbert <command> --help' for a command's options.\n";

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.Out.Write(Usage + CliHelp.Conventions);
    return args.Length == 0 ? 2 : 0;
}

string command = args[0];
string[] rest = args.Skip(1).ToArray();
string help = command switch
{
    "embed" => EmbedCommand.Help,
    "train" => TrainCommand.Help,
    "bench" when rest.FirstOrDefault() == "encoder" => BenchEncoderCommand.Help,
    "bench" when rest.FirstOrDefault() == "memory" => BenchMemoryCommand.Help,
    "bench" when rest.FirstOrDefault() == "transform" => BenchTransformCommand.Help,
    "bench" when rest.FirstOrDefault() == "training" => BenchTrainingCommand.Help,
    "bench" when rest.FirstOrDefault() == "efficiency" => BenchEfficiencyCommand.Help,
    "bench" when rest.FirstOrDefault() == "cross-encoder" => BenchCrossEncoderCommand.Help,
    "bench" when rest.FirstOrDefault() == "plots" => BenchPlotsCommand.Help,
    "eval" when rest.FirstOrDefault() == "sts" => EvalStsCommand.Help,
    "eval" when rest.FirstOrDefault() == "triplet" => EvalTripletCommand.Help,
    "reproduce" => ReproduceCommand.Help,
    "eval" when rest.FirstOrDefault() == "senteval" => EvalSentEvalCommand.Help,
    "bench" when rest.FirstOrDefault() == "senteval" => BenchSentEvalCommand.Help,
    _ => Usage,
};
if (rest.Contains("--help") || rest.Contains("-h"))
{
    Console.Out.Write(help);
    return 0;
}

try
{
    return command switch
    {
        "embed" => EmbedCommand.Run(new ArgumentReader(rest, EmbedCommand.Flags), Console.Out, Console.Error),
        "train" => TrainCommand.Run(new ArgumentReader(rest, TrainCommand.Flags), Console.Out, Console.Error),
        "bench" when rest.FirstOrDefault() == "encoder" =>
            BenchEncoderCommand.Run(new ArgumentReader(rest.Skip(1), BenchEncoderCommand.Flags), Console.Out),
        "bench" when rest.FirstOrDefault() == "memory" =>
            BenchMemoryCommand.Run(new ArgumentReader(rest.Skip(1), BenchMemoryCommand.Flags), Console.Out),
        "bench" when rest.FirstOrDefault() == "transform" =>
            BenchTransformCommand.Run(new ArgumentReader(rest.Skip(1), BenchTransformCommand.Flags), Console.Out),
        "bench" when rest.FirstOrDefault() == "training" =>
            BenchTrainingCommand.Run(new ArgumentReader(rest.Skip(1), BenchTrainingCommand.Flags), Console.Out),
        "bench" when rest.FirstOrDefault() == "efficiency" =>
            BenchEfficiencyCommand.Run(new ArgumentReader(rest.Skip(1), BenchEfficiencyCommand.Flags), Console.Out),
        "bench" when rest.FirstOrDefault() == "cross-encoder" =>
            BenchCrossEncoderCommand.Run(new ArgumentReader(rest.Skip(1), BenchCrossEncoderCommand.Flags), Console.Out),
        "bench" when rest.FirstOrDefault() == "plots" =>
            BenchPlotsCommand.Run(new ArgumentReader(rest.Skip(1), BenchPlotsCommand.Flags), Console.Out, Console.Error),
        "eval" when rest.FirstOrDefault() == "sts" =>
            EvalStsCommand.Run(new ArgumentReader(rest.Skip(1), EvalStsCommand.Flags), Console.Out, Console.Error),
        "eval" when rest.FirstOrDefault() == "triplet" =>
            EvalTripletCommand.Run(new ArgumentReader(rest.Skip(1), EvalTripletCommand.Flags), Console.Out, Console.Error),
        "reproduce" => ReproduceCommand.Run(new ArgumentReader(rest, ReproduceCommand.Flags), Console.Out),
        "eval" when rest.FirstOrDefault() == "senteval" =>
            EvalSentEvalCommand.Run(new ArgumentReader(rest.Skip(1), EvalSentEvalCommand.Flags), Console.Out, Console.Error),
        "bench" when rest.FirstOrDefault() == "senteval" =>
            BenchSentEvalCommand.Run(new ArgumentReader(rest.Skip(1), BenchSentEvalCommand.Flags), Console.Out, Console.Error),
        _ => throw new UsageException($"Unknown command '{string.Join(' ', args.Take(2))}'."),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"sbert: {e.Message}\n");
    Console.Error.Write(help);
    return 2;
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException or InvalidOperationException)
{
    Console.Error.WriteLine($"sbert: {e.Message}");
    return 1;
}
