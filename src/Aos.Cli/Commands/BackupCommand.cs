using System.CommandLine;
using System.Text.Json.Nodes;
using Aos.Hosting;
using Aos.Storage.Sqlite;

namespace Aos.Cli.Commands;

/// <summary>Builds <c>aos backup</c> (asks the running node for an online backup) and <c>aos restore</c> (restores one into an empty data directory, offline).</summary>
internal static class BackupCommand
{
    public static Command CreateBackup()
    {
        var directory = new Argument<string>("dir") { Description = "The backup directory on the node's machine; missing or empty." };
        var command = new Command("backup", "Back up the running node's embedded store (agents, messages, workflows, blobs) while it serves.") { directory };
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var path = Path.GetFullPath(parseResult.GetValue(directory)!);
            var result = await client.PostAsync("/v1/backups", new JsonObject { ["directory"] = path }, cancellationToken);
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(CliOptions.Json)
                ? result?.ToJsonString(CliJson.Options)
                : $"backed up to {result?["directory"]}: database {result?["databaseBytes"]} bytes, {result?["blobFiles"]} blob file(s), as of {result?["createdAt"]}");
        });
        return command;
    }

    public static Command CreateRestore()
    {
        var directory = new Argument<string>("dir") { Description = "The backup directory, as 'aos backup' wrote it." };
        var data = new Option<string?>("--data") { Description = "The data directory to restore into; must be empty (default: .aos in the current directory)." };
        var command = new Command("restore", "Restore a backup into an empty data directory; then start the node on it with 'aos up --data DIR'.") { directory, data };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var target = Path.GetFullPath(parseResult.GetValue(data) ?? new AosOptions().DataDirectory);
            try
            {
                var manifest = await SqliteBackup.RestoreAsync(parseResult.GetValue(directory)!, target, cancellationToken);
                parseResult.InvocationConfiguration.Output.WriteLine($"restored the backup of {manifest.CreatedAt:O} into {target} ({manifest.Blobs.Count} blob file(s)); start it with: aos up --data {target}");
                return ExitCodes.Success;
            }
            catch (AosValidationException ex)
            {
                return CommandRunner.Fail(parseResult.InvocationConfiguration.Error, ex.Message, ExitCodes.Usage);
            }
        });
        return command;
    }
}
