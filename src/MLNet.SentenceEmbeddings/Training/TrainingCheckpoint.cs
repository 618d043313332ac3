using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// A resumable training state in one folder: the model's own files (written by <see cref="ITrainingTarget.SaveCheckpoint"/>),
/// the AdamW moments (optimizer.bin) and the step reached (trainer_state.json). Shuffling and dropout are seeded from
/// (seed, epoch) and (seed, step), so nothing else is needed to continue exactly.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "trainer_state.json";

    public static string Write(string root, int step, int seed, ITrainingTarget target, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        string folder = Path.Combine(root, $"checkpoint-{step}");
        Directory.CreateDirectory(folder);
        target.SaveCheckpoint(folder);
        optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
        File.WriteAllText(Path.Combine(folder, StateFile), new JsonObject { ["step"] = step, ["seed"] = seed }.ToJsonString());
        return folder;
    }

    /// <summary>Loads a checkpoint into the live objects; returns the step it was taken after.</summary>
    public static int Read(string folder, int seed, ITrainingTarget target, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) throw new FileNotFoundException($"{folder}: not a training checkpoint ({StateFile} missing).", statePath);
        var state = JsonNode.Parse(File.ReadAllText(statePath))!;
        int savedSeed = state["seed"]!.GetValue<int>();
        if (savedSeed != seed)
            throw new InvalidOperationException($"{statePath}: the checkpoint was trained with seed {savedSeed}; resume with the same seed (got {seed}).");
        target.LoadCheckpoint(folder);
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        return state["step"]!.GetValue<int>();
    }
}
