namespace MLNet.SentenceEmbeddings.DataSets;

/// <summary>Every data set the repository's examples, evaluations and reproduction read.</summary>
public static class DataSetCatalog
{
    public static readonly IReadOnlyList<DataSet> All =
    [
        new("stsb", "stsb", ["sts-train.csv", "sts-dev.csv", "sts-test.csv"], "eval sts, train, reproduce (Tables 1, 2, 7), bench",
            "STS benchmark, original release (Cer et al. 2017)", HubDataSetSource.StsBenchmark),
        new("sick", "sick", ["SICK_train.txt", "SICK_trial.txt", "SICK_test_annotated.txt"], "eval sts --format sick, reproduce (Tables 1, 6)",
            "SICK, SemEval-2014 Task 1 release"),
        new("snli", "senteval/SNLI", ["s1.dev", "s2.dev", "labels.dev", "s1.test", "s2.test", "labels.test"], "eval triplet, reproduce (Table 6), notebooks",
            "SNLI 1.0 dev/test as SentEval prepares them"),
        new("mr", "senteval/MR", ["rt-polarity.pos", "rt-polarity.neg"], "examples/Quickstart part 2, eval senteval, reproduce (Table 5)",
            "MR sentence polarity v1.0 (Pang & Lee 2005)", HubDataSetSource.MovieReviews),
        new("cr", "senteval/CR", ["custrev.pos", "custrev.neg"], "eval senteval, reproduce (Table 5)", "CR customer reviews (Hu & Liu 2004)"),
        new("subj", "senteval/SUBJ", ["subj.objective", "subj.subjective"], "eval senteval, reproduce (Table 5)", "SUBJ (Pang & Lee 2004)"),
        new("mpqa", "senteval/MPQA", ["mpqa.pos", "mpqa.neg"], "eval senteval, reproduce (Table 5)", "MPQA opinion polarity"),
        new("sst2", "senteval/SST/binary", ["sentiment-train", "sentiment-dev", "sentiment-test"], "eval senteval, reproduce (Table 5)", "SST-2 (SentEval's copy)"),
        new("trec", "senteval/TREC", ["train_5500.label", "TREC_10.label"], "eval senteval, reproduce (Table 5)", "TREC question classification"),
        new("mrpc", "senteval/MRPC", ["msr_paraphrase_train.txt", "msr_paraphrase_test.txt"], "eval senteval, reproduce (Table 5), train --format mrpc",
            "MRPC as SentEval prepares it"),
        new("quora", "quora", ["dev.txt", "test.txt"], "eval retrieval, sbert-bench efficiency, notebooks (semantic search)", "Quora question pairs, BiMPM dev/test split"),
        new("sts12-16", "sts/senteval", StsYearFiles(), "reproduce (Table 1's STS12-16 columns, left empty without it), eval sts --format senteval-sts",
            "STS 2012-2016 test sets as SentEval's get_sts_data.bash prepares them"),
    ];

    /// <summary>STS.input and STS.gs of each sub-set SentEval keeps per year (STS13's SMT is not redistributed).</summary>
    private static string[] StsYearFiles() =>
    [
        .. new (string Year, string[] Subsets)[]
        {
            ("STS12-en-test", ["MSRpar", "MSRvid", "SMTeuroparl", "surprise.OnWN", "surprise.SMTnews"]),
            ("STS13-en-test", ["FNWN", "headlines", "OnWN"]),
            ("STS14-en-test", ["deft-forum", "deft-news", "headlines", "images", "OnWN", "tweet-news"]),
            ("STS15-en-test", ["answers-forums", "answers-students", "belief", "headlines", "images"]),
            ("STS16-en-test", ["answer-answer", "headlines", "plagiarism", "postediting", "question-question"]),
        }.SelectMany(y => y.Subsets.SelectMany(s => new[] { $"{y.Year}/STS.input.{s}.txt", $"{y.Year}/STS.gs.{s}.txt" })),
    ];

    /// <summary>The data set named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static DataSet Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown data set '{name}'; expected one of {string.Join(", ", All.Select(d => d.Name))}.");
}
