namespace Aos.Cli;

/// <summary>Names the exit codes of the <c>aos</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>The command succeeded.</summary>
    public const int Success = 0;

    /// <summary>The command line was wrong: an unknown verb, a missing argument, an unreadable file.</summary>
    public const int Usage = 1;

    /// <summary>The server refused the command or could not be reached.</summary>
    public const int Refused = 2;

    /// <summary>The workflow run waited for (<c>--wait</c>) ended failed or cancelled.</summary>
    public const int RunFailed = 3;

    /// <summary>The audit log did not verify: an entry or checkpoint was changed, removed or moved.</summary>
    public const int AuditTampered = 4;
}
