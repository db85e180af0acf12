using Aos.Governance.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Governance.Tests.Policies;

public sealed class GovernanceRegistrationTests
{
    [Fact]
    public void AddAosGovernance_Configured_ResolvesOnePolicyEngineWithTheDefault()
    {
        var services = new ServiceCollection().AddAosGovernance();
        services.Configure<PolicyEngineOptions>(o => o.DefaultEffect = PolicyEffect.Deny);
        using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<PolicyEngine>();

        Assert.Same(engine, provider.GetRequiredService<PolicyEngine>());
        Assert.Equal(PolicyEffect.Deny, engine.Evaluate(new PolicyRequest { Actor = "alice", Action = "agent.send" }).Effect);
    }
}
