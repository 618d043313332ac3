namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// Checks a training set against what its objective declares (<see cref="ISentenceLoss.Columns"/>,
/// <see cref="ISentenceLoss.Labels"/>, <see cref="ISentenceLoss.CheckLabel"/>): the one place these rules live, used
/// by the trainer, the ML.NET estimator and the command line.
/// </summary>
public static class TrainingExamples
{
    /// <param name="loss">The objective.</param>
    /// <param name="examples">The training set.</param>
    /// <param name="source">Names the data in messages (a file, a column set); null for "row N" alone.</param>
    /// <param name="rowNumber">Maps an example's index to what the user sees (a file's line number); identity when null.</param>
    /// <exception cref="ArgumentException">Empty set, a null or wrong-width example, a null sentence or a bad label; the message names the row.</exception>
    public static void Check(ISentenceLoss loss, IReadOnlyList<TrainingExample> examples, string? source = null, Func<int, string>? rowNumber = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(examples);
        string where = source is null ? "" : source + ": ";
        if (examples.Count == 0) throw new ArgumentException($"{where}the training set is empty.", nameof(examples));
        string name = loss.GetType().Name;
        for (int i = 0; i < examples.Count; i++)
        {
            string row = rowNumber?.Invoke(i) ?? $"Row {i}";
            var e = examples[i] ?? throw new ArgumentException($"{where}{row}: the example is null.", nameof(examples));
            if (e.Texts.Count != loss.Columns)
                throw new ArgumentException($"{where}{row}: {e.Texts.Count} sentence column(s), {name} expects {loss.Columns}.", nameof(examples));
            for (int c = 0; c < e.Texts.Count; c++)
                if (e.Texts[c] is null) throw new ArgumentException($"{where}{row}, column {c}: the sentence is null.", nameof(examples));
            if (loss.Labels == LabelKind.None) continue;
            if (!double.IsFinite(e.Label) || loss.CheckLabel(e.Label) is string expected)
                throw new ArgumentException($"{where}{row}, label: {e.Label} is not {loss.CheckLabel(e.Label) ?? "a finite number"} ({name}).", nameof(examples));
        }
    }
}
