using System.Globalization;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// Hyper-parameters of the shared training loop (<see cref="SiameseTrainer"/>, <see cref="CrossEncoding.CrossEncoderTrainer"/>);
/// the defaults are the SBERT paper's (Section 3).
/// </summary>
public class TrainingOptions
{
    /// <summary>SBERT Section 3: batch size 16.</summary>
    public const int PaperBatchSize = 16;
    /// <summary>SBERT Section 3: Adam with learning rate 2e-5.</summary>
    public const double PaperLearningRate = 2e-5;
    /// <summary>SBERT Section 3: linear warm-up over 10% of the training data.</summary>
    public const double PaperWarmupFraction = 0.1;
    /// <summary>AdamW weight decay of sentence-transformers' fit (not stated in the paper).</summary>
    public const double DefaultWeightDecay = 0.01;
    /// <summary>Gradient-norm clipping of sentence-transformers' fit.</summary>
    public const double DefaultMaxGradNorm = 1.0;

    public int BatchSize { get; set; } = PaperBatchSize;
    public double LearningRate { get; set; } = PaperLearningRate;
    public double WarmupFraction { get; set; } = PaperWarmupFraction;
    /// <summary>Applied to matrices only: biases and LayerNorm weights (the 1-D parameters) are not decayed.</summary>
    public double WeightDecay { get; set; } = DefaultWeightDecay;
    public double MaxGradNorm { get; set; } = DefaultMaxGradNorm;
    public int Epochs { get; set; } = 1;
    /// <summary>
    /// Peak learning rate of the parameters that start untrained (the cross-encoder's classifier head, the softmax
    /// objective's classifier), on the same warm-up and decay; null: <see cref="LearningRate"/>. Adam moves each weight
    /// by about the learning rate per step, so at 2e-5 a head initialised at N(0, 0.02) can barely grow in one epoch.
    /// </summary>
    public double? HeadLearningRate { get; set; }
    /// <summary>
    /// <see cref="Precision.BFloat16"/> runs the forward pass under libtorch's bf16 CPU autocast (matrix products in
    /// bfloat16; weights, gradients, optimizer state in float32). It pays only where the CPU's bf16 matrix multiply
    /// beats float32 (see <see cref="MatmulProbe"/>); docs/training.md has the measured throughput.
    /// </summary>
    public Precision Precision { get; set; } = Precision.Float32;
    /// <summary>Seeds libtorch (dropout, new parameters) and the shuffling: the same seed gives the same weights on CPU.</summary>
    public int Seed { get; set; } = 42;
    public bool Shuffle { get; set; } = true;
    /// <summary>Evaluate (when the trainer has an evaluator) every this many steps (and always after the last); 0 evaluates after the last step only.</summary>
    public int EvaluationSteps { get; set; }
    /// <summary>After training, put back the weights of the evaluation with the best primary metric.</summary>
    public bool KeepBestModel { get; set; } = true;
    /// <summary>Where checkpoints go (checkpoint-STEP folders); null writes none.</summary>
    public string? CheckpointDirectory { get; set; }
    /// <summary>Write a checkpoint every this many steps, and after the last (needs <see cref="CheckpointDirectory"/>).</summary>
    public int CheckpointSteps { get; set; }
    /// <summary>Keep only this many of the newest checkpoints, removing older ones after each write (Hugging Face's save_total_limit); 0 keeps every one.</summary>
    public int CheckpointsKept { get; set; }
    public IProgress<TrainingProgress>? Progress { get; set; }
    public Action<string>? Log { get; set; }
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// The settings besides seed, epochs and data that shape a run's steps, as text: a checkpoint records them and
    /// refuses a resume under others, and Table 2 pins its recipe version to them.
    /// </summary>
    internal IEnumerable<(string Key, string Value)> StepSettings()
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        yield return ("batch_size", BatchSize.ToString(CultureInfo.InvariantCulture));
        yield return ("learning_rate", N(LearningRate));
        yield return ("head_learning_rate", HeadLearningRate is double h ? N(h) : "none");
        yield return ("warmup_fraction", N(WarmupFraction));
        yield return ("weight_decay", N(WeightDecay));
        yield return ("max_grad_norm", N(MaxGradNorm));
        yield return ("precision", Precision.ToString());
        yield return ("shuffle", Shuffle ? "true" : "false");
    }

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive.");
        if (!(WarmupFraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, "WarmupFraction must be in [0, 1].");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must be non-negative.");
        if (!(MaxGradNorm > 0)) throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), MaxGradNorm, "MaxGradNorm must be positive.");
        if (Precision == Precision.Int8) throw new ArgumentException("Precision Int8 is an ONNX Runtime inference precision; training runs in Float32 or BFloat16.", nameof(Precision));
        if (HeadLearningRate is double h && !(h > 0)) throw new ArgumentOutOfRangeException(nameof(HeadLearningRate), h, "HeadLearningRate must be positive (or null for LearningRate).");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        if (EvaluationSteps < 0) throw new ArgumentOutOfRangeException(nameof(EvaluationSteps), EvaluationSteps, "EvaluationSteps must be 0 or more.");
        if (CheckpointSteps < 0 || (CheckpointSteps > 0 && string.IsNullOrWhiteSpace(CheckpointDirectory)))
            throw new ArgumentOutOfRangeException(nameof(CheckpointSteps), CheckpointSteps, "CheckpointSteps must be 0 or more, and needs CheckpointDirectory.");
        if (CheckpointsKept < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointsKept), CheckpointsKept, "CheckpointsKept must be 0 (every one) or more.");
    }
}
