namespace Aos.Security.Sessions;

/// <summary>The stored form of a session: its description, the SHA-256 of its current refresh secret, and those of the spent ones.</summary>
internal sealed record SessionDocument(
    string Id,
    string Tenant,
    string SubjectId,
    string SubjectName,
    string SubjectKind,
    string[] Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUsedAt,
    DateTimeOffset IdleExpiresAt,
    DateTimeOffset AbsoluteExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedReason,
    string RefreshHash,
    string[] SpentHashes)
{
    public Session ToSession() => new(Id, Tenant, SubjectId, SubjectName, SubjectKind, Roles, CreatedAt, LastUsedAt, IdleExpiresAt, AbsoluteExpiresAt, RevokedAt, RevokedReason);
}
