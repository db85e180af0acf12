using System.CommandLine;

namespace Aos.Cli.Commands;

/// <summary>Holds the options every verb that talks to a server shares.</summary>
internal static class CliOptions
{
    public static Option<string> Server { get; } = new("--server")
    {
        Description = "The AOS server to talk to (default: $AOS_SERVER or http://127.0.0.1:5080).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AOS_SERVER") is { Length: > 0 } env ? env : "http://127.0.0.1:5080",
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of tables.",
        Recursive = true,
    };
}
