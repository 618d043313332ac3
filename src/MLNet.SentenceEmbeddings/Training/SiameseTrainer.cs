using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// Fine-tunes a <see cref="SentenceEncoder"/> with one objective: every column of an example goes through the same
/// encoder (shared weights, SBERT Section 3), the loss compares the embeddings, and AdamW updates the encoder and
/// the loss's own parameters.
/// </summary>
/// <remarks>While <see cref="Train"/> runs, the encoder refuses to encode from any other thread
/// (<see cref="InvalidOperationException"/>): it would see weights between two updates, with dropout on. Its own dev
/// evaluations run on the training thread and go on.</remarks>
public sealed class SiameseTrainer
{
    private readonly SentenceEncoder _encoder;
    private readonly ISentenceLoss _loss;
    private readonly SiameseTrainingOptions _options;

    public SiameseTrainer(SentenceEncoder encoder, ISentenceLoss loss, SiameseTrainingOptions? options = null)
    {
        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        _loss = loss ?? throw new ArgumentNullException(nameof(loss));
        _options = options ?? new SiameseTrainingOptions();
        _options.Validate();
        if (encoder.Options.Precision != Precision.Float32)
            throw new ArgumentException("Training needs an encoder loaded with Precision.Float32.", nameof(encoder));
    }

    /// <summary>Runs the configured epochs over <paramref name="examples"/>.</summary>
    /// <param name="examples">The training set.</param>
    /// <param name="resumeFrom">A checkpoint-STEP folder written by an earlier run with the same data and options:
    /// training continues after that step and ends with the weights an uninterrupted run would have.</param>
    /// <exception cref="ArgumentException">Bad data; the message names the row and column.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite, or the encoder is already being trained.</exception>
    /// <exception cref="IncompatibleCheckpointException"><paramref name="resumeFrom"/> was written by a run with other settings; nothing was trained or loaded.</exception>
    public TrainingResult Train(IReadOnlyList<TrainingExample> examples, string? resumeFrom = null)
    {
        CheckData(examples);
        using var training = _encoder.BeginTraining();
        return TrainingLoop.Run(new Target(this), examples, _options, resumeFrom);
    }

    /// <summary>The bi-encoder under training: every column through the shared encoder, then the loss on the embeddings.</summary>
    private sealed class Target : ITrainingTarget
    {
        // A checkpoint holds the encoder in the folder format and the loss's own weights (the softmax classifier).
        private const string EncoderFolder = "encoder";
        private const string LossFile = "loss.safetensors";
        private readonly SiameseTrainer _t;

        public Target(SiameseTrainer trainer)
        {
            _t = trainer;
            // Every module trains (the Transformer and any Dense), as in sentence-transformers.
            Modules = _t._loss is nn.Module lm ? new nn.Module[] { _t._encoder.Modules, lm } : new nn.Module[] { _t._encoder.Modules };
            Parameters = _t._encoder.Modules.parameters().Concat(_t._loss.Parameters).ToList();
            HeadParameters = _t._loss.Parameters.ToList(); // the softmax objective's classifier starts untrained
        }

        public IReadOnlyList<Parameter> HeadParameters { get; }

        public IReadOnlyList<nn.Module> Modules { get; }
        public IReadOnlyList<Parameter> Parameters { get; }
        public string LossName => _t._loss.GetType().Name;
        public string? PrimaryMetric => _t._options.Evaluator?.PrimaryMetric;

        public Tensor ComputeLoss(IReadOnlyList<TrainingExample> batch)
        {
            var encoder = _t._encoder;
            var embeddings = new List<Tensor>(_t._loss.Columns);
            for (int c = 0; c < _t._loss.Columns; c++)
            {
                var inputs = batch.Select(e => encoder.Transformer.Tokenize(e.Texts[c])).ToList();
                using var tokens = TokenBatch.Pad(inputs, encoder.Tokenizer.PadTokenId, encoder.Device);
                embeddings.Add(_t._loss.BeforeNormalize ? encoder.ForwardUnnormalized(tokens) : encoder.Forward(tokens));
            }
            Tensor? labels = null;
            if (_t._loss.Labels != LabelKind.None)
            {
                labels = _t._loss.Labels == LabelKind.ClassIndex
                    ? tensor(batch.Select(e => (long)e.Label).ToArray(), device: encoder.Device)
                    : tensor(batch.Select(e => (float)e.Label).ToArray(), device: encoder.Device);
            }
            return _t._loss.Compute(embeddings, labels);
        }

        public IReadOnlyDictionary<string, double> Evaluate(CancellationToken cancellationToken) =>
            _t._options.Evaluator!.Evaluate(_t._encoder, cancellationToken);

        public void SaveCheckpoint(string folder)
        {
            _t._encoder.Save(new FolderFileSink(Path.Combine(folder, EncoderFolder)));
            if (_t._loss is nn.Module module)
            {
                using var file = File.Create(Path.Combine(folder, LossFile));
                SafeTensors.Write(file, StateDict.Export(module));
            }
        }

        public void LoadCheckpoint(string folder)
        {
            _t._encoder.LoadWeights(Path.Combine(folder, EncoderFolder));
            if (_t._loss is nn.Module module) StateDict.Load(module, SafeTensors.Read(Path.Combine(folder, LossFile)), Path.Combine(folder, LossFile));
        }
    }

    private void CheckData(IReadOnlyList<TrainingExample> examples) => TrainingExamples.Check(_loss, examples);
}
