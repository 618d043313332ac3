using System.Diagnostics;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Tokenization;
using MLNet.SentenceEmbeddings.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>
/// Fine-tunes a <see cref="CrossEncoder"/> on labelled pairs with the bi-encoder's training loop (AdamW, 10% warm-up,
/// clipping, seeds, dev evaluation with best weights kept, resumable checkpoints): STSb as regression (label =
/// score / 5, binary cross-entropy or MSE) or as a ranking (pair ranking), NLI as k-class classification (cross-entropy).
/// </summary>
public sealed class CrossEncoderTrainer
{
    private readonly CrossEncoder _model;
    private readonly CrossEncoderTrainingOptions _options;
    private readonly CrossEncoderLoss _loss;

    public CrossEncoderTrainer(CrossEncoder model, CrossEncoderTrainingOptions? options = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? new CrossEncoderTrainingOptions();
        _options.Validate();
        if (model.Options.Precision != Precision.Float32)
            throw new ArgumentException("Training needs a cross-encoder loaded with Precision.Float32.", nameof(model));
        _loss = _options.Loss ?? (model.NumLabels == 1 ? CrossEncoderLoss.BinaryCrossEntropy : CrossEncoderLoss.CrossEntropy);
        if ((_loss == CrossEncoderLoss.CrossEntropy) != (model.NumLabels > 1))
            throw new ArgumentException($"{_loss} does not fit a model with {model.NumLabels} label(s): use CrossEntropy for several labels, BinaryCrossEntropy, MeanSquaredError, PairRanking or CosineRanking (a head comparing the two sentences) for one.", nameof(options));
        if (_loss == CrossEncoderLoss.CosineRanking && !model.Head.CompareSegments)
            throw new ArgumentException($"{_loss} ranks the cosine of the pair's two sentences, and this model's head reads the pair as one sequence: load it with compareSegments: true, or use PairRanking.", nameof(options));
    }

    /// <summary>Runs the configured epochs over pairs (Texts[0], Texts[1]) with their labels.</summary>
    /// <param name="examples">Pairs; Label is a score in [0, 1] (one-label model) or a class index.</param>
    /// <param name="resumeFrom">A checkpoint-STEP folder of an earlier run with the same data and options.</param>
    /// <exception cref="ArgumentException">Bad data; the message names the row and column.</exception>
    /// <exception cref="IncompatibleCheckpointException"><paramref name="resumeFrom"/> was written by a run with other settings; nothing was trained or loaded.</exception>
    public TrainingResult Train(IReadOnlyList<TrainingExample> examples, string? resumeFrom = null)
    {
        CheckData(examples);
        return TrainingLoop.Run(new Target(this), examples, _options, resumeFrom);
    }

    private sealed class Target : ITrainingTarget
    {
        private const string ModelFolderName = "cross-encoder";
        private readonly CrossEncoderTrainer _t;

        public Target(CrossEncoderTrainer trainer)
        {
            _t = trainer;
            Modules = new nn.Module[] { _t._model.Model, _t._model.Head };
            Parameters = _t._model.Model.parameters().Concat(_t._model.Head.parameters()).ToList();
            HeadParameters = _t._model.Head.ClassifierAndGateParameters().ToList();
        }

        public IReadOnlyList<Parameter> HeadParameters { get; }

        public IReadOnlyList<nn.Module> Modules { get; }
        public IReadOnlyList<Parameter> Parameters { get; }
        public string LossName => $"cross-encoder {_t._loss} loss";
        public string? PrimaryMetric => _t._options.Evaluator?.PrimaryMetric;

        public Tensor ComputeLoss(IReadOnlyList<TrainingExample> batch)
        {
            var model = _t._model;
            var inputs = batch.Select(e => model.TokenizePair(e.Texts[0], e.Texts[1])).ToList();
            using var tokens = TokenBatch.Pad(inputs, model.Tokenizer.PadTokenId, model.Device);
            if (_t._loss == CrossEncoderLoss.CosineRanking)
            {
                using var hidden = model.Encode(tokens);
                var cosine = model.Head.SegmentCosine(hidden, tokens.AttentionMask, tokens.TokenTypeIds);
                return PairRankingLoss.OfScores(cosine * PairRankingLoss.DefaultScale, Labels(batch, model));
            }
            var logits = model.Forward(tokens); // (B, labels)
            if (_t._loss == CrossEncoderLoss.CrossEntropy)
                return nn.functional.cross_entropy(logits, tensor(batch.Select(e => (long)e.Label).ToArray(), device: model.Device));
            return OneLabelLoss(_t._loss, logits.squeeze(1), Labels(batch, model));
        }

        public IReadOnlyDictionary<string, double> Evaluate(CancellationToken cancellationToken) =>
            _t._options.Evaluator!.Evaluate(_t._model, cancellationToken);

        public void SaveCheckpoint(string folder) => _t._model.Save(new FolderFileSink(Path.Combine(folder, ModelFolderName)));

        public void LoadCheckpoint(string folder)
        {
            string path = Path.Combine(folder, ModelFolderName, WeightFiles.SafeTensorsFile);
            var (encoder, head) = CrossEncoderFolder.Split(SafeTensors.Read(path));
            StateDict.Load(_t._model.Model, encoder, path, _t._model.Model.MapCheckpointKey);
            StateDict.Load(_t._model.Head, head, path);
        }
    }

    private static Tensor Labels(IReadOnlyList<TrainingExample> batch, CrossEncoder model) =>
        tensor(batch.Select(e => (float)e.Label).ToArray(), device: model.Device);

    /// <summary>A one-label model's loss of its logits (B) against labels in [0, 1] (B).</summary>
    internal static Tensor OneLabelLoss(CrossEncoderLoss loss, Tensor logit, Tensor target) => loss switch
    {
        CrossEncoderLoss.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(logit, target),
        CrossEncoderLoss.MeanSquaredError => nn.functional.mse_loss(logit.sigmoid(), target),
        // The sigmoid bounds the score, as CoSENT's cosine is bounded: trained cosines of STS pairs lie mostly in
        // [0, 1], so CoSENT's scale weighs the same differences. On the raw logits the loss stays near its start
        // while the logits grow. In fp32: the loss compares the labels in the scores' dtype, and bf16 would tie
        // close labels.
        CrossEncoderLoss.PairRanking => PairRankingLoss.OfScores(logit.to_type(ScalarType.Float32).sigmoid() * PairRankingLoss.DefaultScale, target),
        _ => throw new UnreachableException($"{loss} is not a one-label loss."),
    };

    private void CheckData(IReadOnlyList<TrainingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("The training set is empty.", nameof(examples));
        for (int row = 0; row < examples.Count; row++)
        {
            var e = examples[row] ?? throw new ArgumentException($"Row {row}: the example is null.", nameof(examples));
            if (e.Texts.Count != 2)
                throw new ArgumentException($"Row {row}: {e.Texts.Count} sentence column(s), a cross-encoder expects 2.", nameof(examples));
            for (int c = 0; c < 2; c++)
                if (e.Texts[c] is null) throw new ArgumentException($"Row {row}, column {c}: the sentence is null.", nameof(examples));
            if (!double.IsFinite(e.Label)) throw new ArgumentException($"Row {row}, label: {e.Label} is not a finite number.", nameof(examples));
            if (_loss == CrossEncoderLoss.CrossEntropy && (e.Label != Math.Floor(e.Label) || e.Label < 0 || e.Label >= _model.NumLabels))
                throw new ArgumentException($"Row {row}, label: {e.Label} is not a class index in 0..{_model.NumLabels - 1}.", nameof(examples));
            if (_loss != CrossEncoderLoss.CrossEntropy && e.Label is < 0 or > 1)
                throw new ArgumentException($"Row {row}, label: {e.Label} is outside [0, 1]; divide STSb scores by 5.", nameof(examples));
        }
    }
}
