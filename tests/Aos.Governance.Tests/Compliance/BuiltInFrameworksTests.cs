using Aos.Governance.Compliance;

namespace Aos.Governance.Tests.Compliance;

/// <summary>The built-in SOC 2 and ISO/IEC 27001:2022 frameworks: they load, pass the same checks as custom ones, and cover the system calls.</summary>
public sealed class BuiltInFrameworksTests
{
    private static readonly string[] SystemCallActions =
    [
        "agent.register", "agent.deregister", "message.send", "message.publish", "message.request", "workflow.define", "workflow.start",
        "workflow.cancel", "state-machine.fire", "approval.request", "approval.decide", "api-key.create", "api-key.revoke", "user.create",
        "role.assign", "role.define", "tenant.create", "policy.write", "policy.delete", "backup.create", "storage.write", "storage.delete",
        "session.revoke", "signing-key.rotate",
    ];

    [Fact]
    public void All_Load_AsBuiltInWithRealControlIds()
    {
        var frameworks = BuiltInFrameworks.All.Select(f => f.Framework).ToArray();

        Assert.Equal(["soc2", "iso27001"], frameworks.Select(f => f.Id));
        Assert.All(frameworks, f => Assert.True(f.BuiltIn));
        Assert.Equal(["CC6.1", "CC6.2", "CC6.3", "CC7.2", "CC8.1", "A1.2"], frameworks[0].Controls.Select(c => c.Id));
        Assert.Equal(["A.5.15", "A.5.16", "A.5.18", "A.8.2", "A.8.11", "A.8.13", "A.8.15", "A.8.32"], frameworks[1].Controls.Select(c => c.Id));
        Assert.InRange(frameworks.Sum(f => f.Controls.Count), 10, 16);
    }

    [Fact]
    public void All_PassTheCustomFrameworkChecks()
    {
        foreach (var framework in BuiltInFrameworks.All)
        {
            var compiled = ComplianceValidation.Compile(framework.Framework);

            Assert.Equal(framework.Framework.Controls.Count, compiled.Controls.Count);
        }
    }

    [Fact]
    public void All_MapEverySystemCallToAControlOfEachFramework()
    {
        foreach (var framework in BuiltInFrameworks.All)
        {
            var uncovered = SystemCallActions.Where(a => !framework.Controls.Any(c => c.Covers(a))).ToArray();

            Assert.Empty(uncovered);
        }
    }

    [Theory]
    [InlineData("soc2", "api-key.create", new[] { "CC6.1", "CC6.2", "CC7.2" })]
    [InlineData("soc2", "policy.write", new[] { "CC6.1", "CC7.2", "CC8.1" })]
    [InlineData("iso27001", "role.assign", new[] { "A.5.15", "A.5.18", "A.8.2", "A.8.15" })]
    [InlineData("iso27001", "message.send", new[] { "A.5.15", "A.8.11", "A.8.15" })]
    public void Controls_MapActionsToTheControlsThatGovernThem(string framework, string action, string[] controls)
    {
        var compiled = BuiltInFrameworks.All.Single(f => f.Framework.Id == framework);

        Assert.Equal(controls, compiled.Controls.Where(c => c.Covers(action)).Select(c => c.Control.Id));
    }
}
