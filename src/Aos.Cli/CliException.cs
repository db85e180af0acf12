namespace Aos.Cli;

/// <summary>Represents a failure the CLI reports in one line, with its exit code.</summary>
internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
