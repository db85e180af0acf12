using Aos.Security;

namespace Aos.Auth.Tests;

/// <summary>The built-in roles: each grants what the one before it does and more; superuser grants every permission.</summary>
public sealed class AosRolesTests
{
    [Fact]
    public void EachRole_IncludesThePreviousOne_AndAddsSomething()
    {
        for (var i = 1; i < AosRoles.All.Count; i++)
        {
            var lower = AosRoles.PermissionsOf(AosRoles.All[i - 1]);
            var higher = AosRoles.PermissionsOf(AosRoles.All[i]);
            Assert.True(lower.IsProperSubsetOf(higher), $"{AosRoles.All[i]} should grant everything {AosRoles.All[i - 1]} does, and more.");
        }

        Assert.True(AosRoles.PermissionsOf(AosRoles.Superuser).SetEquals(Permissions.All));
    }

    [Theory]
    [InlineData("guest", "agents:read", true)]
    [InlineData("guest", "messages:send", false)]
    [InlineData("user", "messages:send", true)]
    [InlineData("user", "agents:write", false)]
    [InlineData("agent_manager", "agents:write", true)]
    [InlineData("agent_manager", "api-keys:manage", false)]
    [InlineData("admin", "api-keys:manage", true)]
    [InlineData("admin", "users:manage", true)]
    [InlineData("agent_manager", "users:manage", false)]
    [InlineData("admin", "roles:manage", true)]
    [InlineData("agent_manager", "roles:manage", false)]
    [InlineData("admin", "tenants:manage", false)]
    [InlineData("admin", "signing-keys:rotate", false)]
    [InlineData("superuser", "tenants:manage", true)]
    [InlineData("unknown", "agents:read", false)]
    public void Grants_FollowsTheDocumentedSets(string role, string permission, bool granted) =>
        Assert.Equal(granted, AosRoles.Grants([role], permission));

    [Fact]
    public void Permissions_AreUniqueAndNamedResourceColonAction() =>
        Assert.All(Permissions.All, p => Assert.Matches("^[a-z-]+:[a-z-]+$", p));
}
