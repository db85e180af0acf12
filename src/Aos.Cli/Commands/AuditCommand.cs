using System.CommandLine;
using System.Text.Json.Nodes;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos audit …</c>: read the audit log, verify it, export it.</summary>
internal static class AuditCommand
{
    public static Command Create() => new("audit", "Read, verify and export the node's tamper-evident audit log.")
    {
        CreateTail(),
        CreateVerify(),
        CreateExport(),
    };

    private static Command CreateTail()
    {
        var actor = new Option<string?>("--actor") { Description = "Only entries by this actor." };
        var action = new Option<string?>("--action") { Description = "Only entries of this action, for instance agents.spawn." };
        var resource = new Option<string?>("--resource") { Description = "Only entries on this resource." };
        var level = new Option<string?>("--level") { Description = "Only entries of this level: info, warning or critical." };
        var since = new Option<string?>("--since") { Description = "Only entries at or after this time (ISO 8601, for instance 2026-11-30T09:00:00Z)." };
        var page = new PageOptions();
        var command = new Command("tail", "List your tenant's audit entries in insertion order, filtered, a page at a time.")
        {
            actor, action, resource, level, since, page.After, page.Limit,
        };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var query = page.Query(
                parseResult, ("actor", parseResult.GetValue(actor)), ("action", parseResult.GetValue(action)), ("resource", parseResult.GetValue(resource)),
                ("level", parseResult.GetValue(level)), ("from", parseResult.GetValue(since)));
            var found = await client.GetAsync("/v1/audit" + query, cancellationToken);
            TextTable.WritePage(parseResult, found, "no audit entries", ["SEQ", "TIME", "ACTOR", "ACTION", "RESOURCE", "OUTCOME", "LEVEL"], e =>
            [
                Text(e?["id"]), Text(e?["time"]), Text(e?["actor"]), Text(e?["action"]), Text(e?["resource"]), Text(e?["outcome"]), Text(e?["level"]),
            ]);
        });
        return command;
    }

    private static Command CreateVerify()
    {
        var command = new Command("verify", "Verify the node's whole audit log (hash chain and signed checkpoints); exits 4 and names the first bad entry when it was tampered with.");
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var result = await client.PostAsync("/v1/audit/verify", null, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            var ok = result?["ok"]?.GetValue<bool>() == true;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(result?.ToJsonString(CliJson.Options));
            }
            else if (ok)
            {
                output.WriteLine($"ok: {result?["entriesChecked"]} entries verified");
            }

            if (!ok)
            {
                throw new CliException(
                    $"the audit log does not verify: entry {result?["firstBad"]}: {result?["problem"]} ({result?["detail"]}); {result?["entriesChecked"]} entries checked before it",
                    ExitCodes.AuditTampered);
            }
        });
        return command;
    }

    private static Command CreateExport()
    {
        var file = new Argument<string>("file") { Description = "The file to write the JSON Lines export to; '-' for standard output." };
        var command = new Command("export", "Export the node's whole audit log as JSON Lines (checkpoints first), to keep elsewhere and verify offline with the checkpoint keys.") { file };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            if (path == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                await client.DownloadAsync("/v1/audit/export", stdout, cancellationToken);
                return;
            }

            var full = Path.GetFullPath(path);
            try
            {
                await using (var destination = new FileStream(full, FileMode.CreateNew, FileAccess.Write))
                {
                    await client.DownloadAsync("/v1/audit/export", destination, cancellationToken);
                }
            }
            catch (IOException ex) when (File.Exists(full) && ex is not FileNotFoundException)
            {
                throw new CliException($"cannot write {full}: {ex.Message} (choose a file that does not exist yet)", ExitCodes.Usage);
            }

            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? new JsonObject { ["file"] = full, ["bytes"] = new FileInfo(full).Length }.ToJsonString(CliJson.Options)
                : $"exported the audit log to {full} ({new FileInfo(full).Length} bytes)");
        });
        return command;
    }

    private static string Text(JsonNode? value) => value?.ToString() ?? string.Empty;
}
