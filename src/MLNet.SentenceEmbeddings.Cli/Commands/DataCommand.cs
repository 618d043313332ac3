using System.CommandLine;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.DataSets;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert data</c>: which data sets the examples, eval and reproduce use, and where each was found.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var listJson = new Option<bool>("--json") { Description = "print one JSON object per data set (JSON lines) instead of a table" };
        var list = new Command("list", "every data set, what reads it, and where it was found ($SBERT_DATA_DIR, then ../shared/data)") { listJson };
        list.SetRun((r, ct) => List(r.GetValue(listJson), Console.Out));

        var name = new Argument<string>("name") { Description = "a data set (see sbert data list)" };
        name.CompletionSources.Add(DataSetCatalog.All.Select(d => d.Name).ToArray());
        var download = new Option<bool>("--download") { Description = "when it is not on disk, fetch it from the Hugging Face Hub (once the Hub client is wired in)" };
        var locate = new Command("locate", "print the folder of one data set; exit 1 with the missing files when it is nowhere") { name, download };
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
                }.ToJsonString());
            else
                output.WriteLine($"{d.Name,-6} {(where.Path is null ? "MISSING" : where.Via),-14} {where.Path ?? d.Folder + "/: " + string.Join(", ", where.Missing)}\n" +
                                 $"       {d.Origin}; used by {d.UsedBy}");
        }
        return 0;
    }

    private static int Locate(string name, bool download, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        DataSet dataSet;
        try { dataSet = DataSetCatalog.Find(name); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var where = DataSetLocator.Locate(dataSet, download, cancellationToken);
        if (where.Path is not null)
        {
            output.WriteLine(where.Path);
            return 0;
        }
        log.WriteLine($"sbert: {dataSet.Name} not found: put {string.Join(", ", where.Missing)} in $SBERT_DATA_DIR/{dataSet.Folder}/ " +
                      $"(or ../shared/data/{dataSet.Folder}/)" + (DataSetLocator.HubDownload is null && download ? "; the Hub download is not wired in this build." : "."));
        return CliRunner.Failure;
    }
}
