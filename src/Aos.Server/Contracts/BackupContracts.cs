namespace Aos.Server.Contracts;

/// <summary>Asks for a backup of the node's embedded store.</summary>
/// <param name="Directory">The backup directory, an absolute path on the node's machine; missing or empty.</param>
public sealed record PostBackupRequest(string? Directory);

/// <summary>Describes a backup that was taken.</summary>
/// <param name="Directory">The backup directory.</param>
/// <param name="CreatedAt">When the backup started: it holds every write committed before then.</param>
/// <param name="DatabaseBytes">The database copy's size.</param>
/// <param name="BlobFiles">How many blob content files were copied.</param>
/// <param name="BlobBytes">Their total size.</param>
public sealed record BackupView(string Directory, DateTimeOffset CreatedAt, long DatabaseBytes, int BlobFiles, long BlobBytes);
