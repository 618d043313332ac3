using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>The outcome of one SentEval task; accuracies and F1 are percentages (x100), rounded as SentEval rounds them.</summary>
/// <param name="Task">Task name ("MR", ..., "MRPC").</param>
/// <param name="Accuracy">Test accuracy: the mean over the outer folds for CV tasks, else on the test split.</param>
/// <param name="F1">Test F1 of the positive class (MRPC), else null.</param>
/// <param name="DevAccuracy">The best validation accuracy that chose C (mean over outer folds for CV tasks).</param>
/// <param name="ChosenC">The C chosen (one per outer fold for CV tasks).</param>
/// <param name="Rows">Rows of the task (all splits).</param>
/// <param name="Fits">Logistic-regression fits made.</param>
/// <param name="EmbeddingTime">Time to compute the features once (zero when cached, or for FeaturizeText, which works per fold).</param>
/// <param name="ClassifierTime">Time for every fold and C.</param>
public sealed record SentEvalTaskResult(string Task, double Accuracy, double? F1, double DevAccuracy, IReadOnlyList<double> ChosenC,
    int Rows, int Fits, TimeSpan EmbeddingTime, TimeSpan ClassifierTime);

/// <summary>Results of several tasks for one feature source, and their average accuracy (the paper's "Avg." column).</summary>
public sealed class SentEvalReport
{
    public SentEvalReport(string source, IReadOnlyList<SentEvalTaskResult> tasks)
    {
        Source = source;
        Tasks = tasks;
    }

    public string Source { get; }
    public IReadOnlyList<SentEvalTaskResult> Tasks { get; }

    /// <summary>Mean test accuracy over the tasks (MRPC counts with its accuracy), rounded to 2 decimals; NaN without tasks.</summary>
    public double Average => Tasks.Count == 0 ? double.NaN : Math.Round(Tasks.Average(t => t.Accuracy), 2);

    public SentEvalTaskResult? this[string task] => Tasks.FirstOrDefault(t => t.Task == task);

    /// <summary>
    /// One line of JSON: {"tasks": {"MR": {"accuracy": ..}, ..., "MRPC": {"accuracy": .., "f1": ..}}, "average": ..}.
    /// </summary>
    public string ToJson()
    {
        var tasks = new JsonObject();
        foreach (var t in Tasks)
        {
            var o = new JsonObject { ["accuracy"] = t.Accuracy };
            if (t.F1 is double f1) o["f1"] = f1;
            tasks[t.Task] = o;
        }
        var root = new JsonObject { ["tasks"] = tasks, ["average"] = Tasks.Count == 0 ? null : Average };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
