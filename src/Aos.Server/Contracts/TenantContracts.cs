namespace Aos.Server.Contracts;

/// <summary>Asks for a new tenant.</summary>
/// <param name="Name">The name: 1 to 64 lowercase letters, digits and <c>-</c>, not starting with <c>-</c>.</param>
/// <param name="DisplayName">What people call it; the name when not given.</param>
public sealed record CreateTenantRequest(string Name, string? DisplayName);
