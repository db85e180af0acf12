using System.CommandLine;
using Aos.Cli.Commands;

namespace Aos.Cli.Tests;

/// <summary>Runs the <c>aos</c> command in-process against a server and records what it printed.</summary>
internal static class Cli
{
    /// <summary>Gets the admin key of each in-process server, by address: a run against one presents its key unless the args give one.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<Uri, string> ApiKeys { get; } = new();

    public static async Task<CliResult> RunAsync(Uri server, params string[] args)
    {
        if (ApiKeys.TryGetValue(server, out var key) && !args.Contains("--api-key"))
        {
            args = [.. args, "--api-key", key];
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        var exitCode = await AosCommand.Create().Parse([.. args, "--server", server.ToString()]).InvokeAsync(configuration, TestContext.Current.CancellationToken);
        return new CliResult(args, exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>Represents how a CLI run ended and what it printed.</summary>
internal sealed record CliResult(IReadOnlyList<string> Args, int ExitCode, string Output, string Error)
{
    public void AssertExitCode(int expected) =>
        Assert.True(ExitCode == expected, $"aos {string.Join(' ', Args)} exited with {ExitCode}, expected {expected}.\nstdout: {Output}\nstderr: {Error}");
}
