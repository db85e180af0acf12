namespace Aos.Governance.Policies;

/// <summary>Represents a policy as kept in the governance store: its source text, as written, and who changed it when.</summary>
/// <param name="Name">The policy's name, unique among the installed policies.</param>
/// <param name="Format">The format of <paramref name="Text"/>: <c>json</c> or <c>yaml</c>.</param>
/// <param name="Text">The policy's source text.</param>
/// <param name="UpdatedAt">When the policy was last written.</param>
/// <param name="UpdatedBy">Who last wrote it.</param>
/// <param name="ETag">The version of the policy as stored.</param>
public sealed record StoredPolicy(string Name, string Format, string Text, DateTimeOffset UpdatedAt, string UpdatedBy, string ETag);
