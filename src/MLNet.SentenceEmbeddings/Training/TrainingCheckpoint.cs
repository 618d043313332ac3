using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// A resumable training state in one folder: the encoder in the folder format (encoder/), the loss's own weights
/// (loss.safetensors), the AdamW moments (optimizer.bin) and the step reached (trainer_state.json). Shuffling and
/// dropout are seeded from (seed, epoch) and (seed, step), so nothing else is needed to continue exactly.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string EncoderFolder = "encoder";
    private const string LossFile = "loss.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "trainer_state.json";

    public static string Write(string root, int step, int seed, SentenceEncoder encoder, ISentenceLoss loss, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        string folder = Path.Combine(root, $"checkpoint-{step}");
        Directory.CreateDirectory(folder);
        encoder.Save(Path.Combine(folder, EncoderFolder));
        if (loss is nn.Module module) SafeTensors.Write(Path.Combine(folder, LossFile), StateDict.Export(module));
        optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
        File.WriteAllText(Path.Combine(folder, StateFile), new JsonObject { ["step"] = step, ["seed"] = seed }.ToJsonString());
        return folder;
    }

    /// <summary>Loads a checkpoint into the live objects; returns the step it was taken after.</summary>
    public static int Read(string folder, int seed, SentenceEncoder encoder, ISentenceLoss loss, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) throw new FileNotFoundException($"{folder}: not a training checkpoint ({StateFile} missing).", statePath);
        var state = JsonNode.Parse(File.ReadAllText(statePath))!;
        int savedSeed = state["seed"]!.GetValue<int>();
        if (savedSeed != seed)
            throw new InvalidOperationException($"{statePath}: the checkpoint was trained with seed {savedSeed}; resume with the same seed (got {seed}).");
        var weights = SafeTensors.Read(Path.Combine(folder, EncoderFolder, ModelFolder.WeightsFile));
        StateDict.Load(encoder.Model, weights, Path.Combine(folder, EncoderFolder, ModelFolder.WeightsFile));
        if (loss is nn.Module module) StateDict.Load(module, SafeTensors.Read(Path.Combine(folder, LossFile)), Path.Combine(folder, LossFile));
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        return state["step"]!.GetValue<int>();
    }
}
