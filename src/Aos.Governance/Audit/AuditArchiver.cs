using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Audit;

/// <summary>
/// Moves the audit log's entries older than <see cref="AuditLogOptions.Retention"/> to archive files every
/// <see cref="AuditLogOptions.ArchiveInterval"/>, so that a node that runs for years keeps a bounded live log; does nothing when no
/// retention is set.
/// </summary>
/// <remarks>
/// Each pass writes one file, <c>audit-{cutoff}-{pass time}.jsonl</c> in <see cref="AuditLogOptions.ArchiveDirectory"/>, through
/// <see cref="SqliteAuditLog.ArchiveAsync"/>: nothing is archived from a log that does not verify (the pass logs an error and the next one
/// tries again), and a pass with nothing to archive leaves no file.
/// </remarks>
internal sealed partial class AuditArchiver(SqliteAuditLog log, IOptions<AuditLogOptions> options, TimeProvider timeProvider, ILogger<AuditArchiver> logger) : RetentionPass(timeProvider)
{
    private readonly AuditLogOptions _options = options.Value;

    /// <summary>Archives the entries past the retention once.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many entries were archived, and the file they went to (<see langword="null"/> when none).</returns>
    internal async Task<(long Archived, string? File)> ArchiveOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.Retention is not { } retention)
        {
            return (0, null);
        }

        var now = Clock.GetUtcNow();
        var before = now - retention;
        Directory.CreateDirectory(_options.ArchiveDirectory);
        var name = $"audit-{before.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        var partial = Path.Combine(_options.ArchiveDirectory, $"{name}.{Guid.NewGuid():N}.partial");
        long archived;
        try
        {
            await using var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            archived = await log.ArchiveAsync(before, file, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        catch
        {
            // ArchiveAsync removes entries from the live log only after the whole file is written: a failed pass leaves them there.
            File.Delete(partial);
            throw;
        }

        if (archived == 0)
        {
            File.Delete(partial);
            return (0, null);
        }

        // The entries have left the live log: the file keeps them under the first free name (two passes in one second share a time).
        var path = Path.Combine(_options.ArchiveDirectory, name + ".jsonl");
        for (var n = 2; !TryMove(partial, path); n++)
        {
            path = Path.Combine(_options.ArchiveDirectory, $"{name}-{n}.jsonl");
        }

        LogArchived(logger, archived, before, path);
        return (archived, path);
    }

    private static bool TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(to))
        {
            return false;
        }
    }

    protected override bool Enabled => _options.Retention is not null;

    protected override TimeSpan Interval => _options.ArchiveInterval;

    protected override Task PassAsync(CancellationToken cancellationToken) => ArchiveOnceAsync(cancellationToken);

    protected override void OnPassFailed(Exception exception) => LogArchiveFailed(logger, exception, _options.ArchiveDirectory);

    [LoggerMessage(1, LogLevel.Information, "Archived {Count} audit entries written before {Before:o} to {File}; keep the file: it is the audit trail of that time.")]
    private static partial void LogArchived(ILogger logger, long count, DateTimeOffset before, string file);

    [LoggerMessage(2, LogLevel.Error, "Archiving the audit log to {Directory} failed; nothing left the live log, and the next pass tries again.")]
    private static partial void LogArchiveFailed(ILogger logger, Exception exception, string directory);
}
