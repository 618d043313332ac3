using System.CommandLine;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert data</c>: which data sets the examples, eval and reproduce use, and where each was found.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var listJson = new Option<bool>("--json") { Description = "print one JSON object per data set (JSON lines) instead of a table" };
        var list = new Command("list", "every data set, what reads it, where it was found ($SBERT_DATA_DIR, then ../shared/data) and its Hugging Face Hub source") { listJson };
        list.SetRun((r, ct) => List(r.GetValue(listJson), Console.Out));

        var name = new Argument<string>("name") { Description = "a data set (see sbert data list)" };
        name.CompletionSources.Add(DataSetCatalog.All.Select(d => d.Name).ToArray());
        var download = new Option<bool>("--download") { Description = "when it is not on disk, download its Hub source (HF_ENDPOINT, HF_HUB_OFFLINE, HF_TOKEN and the Hub cache as for models) and write our files from it" };
        var locate = new Command("locate", "print the folder of one data set; exit 1 naming every place looked and how to get it when it is nowhere") { name, download };
        locate.SetRun((r, ct) => Locate(r.GetValue(name)!, r.GetValue(download), ct, Console.Out, Console.Error));

        return new Command("data", "the data sets of the examples, eval and reproduce: list them, locate one") { list, locate };
    }

    private static int List(bool json, TextWriter output)
    {
        foreach (var d in DataSetCatalog.All)
        {
            var where = DataSetLocator.Locate(d);
            if (json)
                output.WriteLine(new JsonObject
                {
                    ["name"] = d.Name, ["folder"] = d.Folder, ["path"] = where.Path, ["via"] = where.Via, ["used_by"] = d.UsedBy, ["origin"] = d.Origin,
                    ["missing"] = new JsonArray(where.Missing.Select(m => (JsonNode?)m).ToArray()),
                    ["hub"] = d.Hub?.RepoId, ["hub_equality"] = d.Hub?.Equality,
                }.ToJsonString());
            else
                output.WriteLine($"{d.Name,-6} {(where.Path is null ? "MISSING" : where.Via),-14} {where.Path ?? d.Folder + "/: " + string.Join(", ", where.Missing)}\n" +
                                 $"       {d.Origin}; used by {d.UsedBy}\n" +
                                 $"       Hub: {(d.Hub is null ? "none with the same content" : $"{d.Hub.RepoId} ({d.Hub.Equality})")}");
        }
        return 0;
    }

    private static int Locate(string name, bool download, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        DataSet dataSet;
        try { dataSet = DataSetCatalog.Find(name); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var where = DataSetLocator.Locate(dataSet, download ? new HubDownloadOptions { Log = log.WriteLine } : null, cancellationToken);
        if (where.Path is not null)
        {
            output.WriteLine(where.Path);
            return 0;
        }
        log.WriteLine($"sbert: {new DataSetNotFoundException(dataSet, where).Message}");
        return CliRunner.Failure;
    }
}
