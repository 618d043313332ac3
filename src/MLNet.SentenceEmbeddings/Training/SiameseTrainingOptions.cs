namespace MLNet.SentenceEmbeddings.Training;

/// <summary>One optimisation step as reported to <see cref="TrainingOptions.Progress"/>.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, int Epoch, double Loss, double LearningRate, double ExamplesPerSecond);

/// <summary>One evaluation on the dev set: the evaluator's metrics after <paramref name="Step"/> steps.</summary>
public sealed record TrainingEvaluation(int Step, double PrimaryMetric, IReadOnlyDictionary<string, double> Metrics);

/// <summary>What a training run did: every step, every evaluation, and which step's weights the encoder holds now.</summary>
public sealed record TrainingResult(IReadOnlyList<TrainingProgress> Steps, IReadOnlyList<TrainingEvaluation> Evaluations, int? BestStep)
{
    /// <summary>Examples per second over the whole run (the last step's running figure).</summary>
    public double ExamplesPerSecond => Steps.Count == 0 ? 0 : Steps[^1].ExamplesPerSecond;

    /// <summary>The evaluation whose weights the model holds now; null when the run did not evaluate.</summary>
    public TrainingEvaluation? BestEvaluation => Evaluations.FirstOrDefault(e => e.Step == BestStep);
}

/// <summary>Options of <see cref="SiameseTrainer"/>: the shared hyper-parameters plus a sentence-embedding evaluator.</summary>
public sealed class SiameseTrainingOptions : TrainingOptions
{
    /// <summary>Scores the encoder on a dev set; null trains without evaluation.</summary>
    public Evaluation.ISentenceEvaluator? Evaluator { get; set; }
}
