using System.CommandLine;
using System.Text.Json;
using Aos.Cli.Client;

namespace Aos.Cli.Commands;

/// <summary>Runs a verb against the server and maps failures to a one-line reason and an exit code.</summary>
internal static class CommandRunner
{
    public static void SetServerAction(this Command command, Func<ParseResult, AosApiClient, CancellationToken, Task> action) =>
        command.SetServerAction(action, authenticate: true);

    /// <summary>Runs a list verb: reads the <c>items</c> at a path and prints them as JSON with <c>--json</c>, else as a table, or says there are none.</summary>
    public static void SetListAction(this Command command, string path, string none, string[] headers, Func<System.Text.Json.Nodes.JsonNode?, string[]> row) =>
        command.SetServerAction(async (parseResult, client, cancellationToken) =>
        {
            var result = await client.GetAsync(path, cancellationToken);
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(CliOptions.Json))
            {
                output.WriteLine(result?.ToJsonString(CliJson.Options));
                return;
            }

            var items = result?["items"]?.AsArray() ?? [];
            if (items.Count == 0)
            {
                output.WriteLine(none);
                return;
            }

            TextTable.Write(output, string.Empty, headers, [.. items.Select(row)]);
        });

    /// <summary>Runs a verb against the server, presenting the resolved credential or (for login and logout) none.</summary>
    public static void SetServerAction(this Command command, Func<ParseResult, AosApiClient, CancellationToken, Task> action, bool authenticate) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var serverText = parseResult.GetValue(CliOptions.Server)!;
            if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            {
                return Fail(error, $"--server '{serverText}' is not an http(s) URL, for instance http://127.0.0.1:5080", ExitCodes.Usage);
            }

            try
            {
                using var client = new AosApiClient(
                    server,
                    authenticate ? await CliOptions.ResolveCredentialAsync(parseResult, server, TimeProvider.System, cancellationToken) : null,
                    parseResult.GetValue(CliOptions.Tenant));
                await action(parseResult, client, cancellationToken);
                return ExitCodes.Success;
            }
            catch (CliException ex)
            {
                return Fail(error, ex.Message, ex.ExitCode);
            }
            catch (JsonException ex)
            {
                return Fail(error, $"invalid JSON: {ex.Message}", ExitCodes.Usage);
            }
        });

    public static int Fail(string message, int exitCode) => Fail(Console.Error, message, exitCode);

    // The invocation's error writer is Console.Error unless a caller (a test) gives another.
    public static int Fail(TextWriter error, string message, int exitCode)
    {
        error.WriteLine($"aos: {message}");
        return exitCode;
    }
}
