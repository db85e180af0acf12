using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Aos.AcceptanceTests;

/// <summary>Runs the real <c>aos</c> CLI as its own process: <c>dotnet aos.dll args…</c>.</summary>
internal static class AosCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        // A run against a node this test started presents that node's admin key, unless the test chose the credentials.
        var server = Array.IndexOf(args, "--server") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (server is not null && AosUpProcess.Keys.TryGetValue(new Uri(server).ToString(), out var key) && !args.Contains("--api-key")
            && environment?.ContainsKey("AOS_API_KEY") != true)
        {
            environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["AOS_API_KEY"] = key };
        }

        var info = DotNet.StartInfo(DotNet.AosDll, args, AppContext.BaseDirectory, environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"aos {string.Join(' ', args)} did not exit within {Limit}.\n{await stdout}\n{await stderr}");
        }

        return new CliResult(args, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a verb against a server with <c>--json</c>, checks it succeeded, and parses what it printed.</summary>
    public static async Task<JsonNode> JsonAsync(Uri server, params string[] args)
    {
        var result = await RunAsync([.. args, "--server", server.ToString(), "--json"]);
        result.AssertExitCode(0);
        return JsonNode.Parse(result.StandardOutput) ?? throw new InvalidOperationException($"aos {string.Join(' ', args)} printed null.");
    }
}

/// <summary>Represents how a CLI run ended and what it printed.</summary>
internal sealed record CliResult(IReadOnlyList<string> Args, int ExitCode, string StandardOutput, string StandardError)
{
    public void AssertExitCode(int expected) =>
        Assert.True(ExitCode == expected, $"aos {string.Join(' ', Args)} exited with {ExitCode}, expected {expected}.\nstdout: {StandardOutput}\nstderr: {StandardError}");

    /// <summary>Gets the lines written to standard error, without the trailing empty one.</summary>
    public string[] ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
