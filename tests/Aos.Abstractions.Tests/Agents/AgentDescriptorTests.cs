using Aos.Agents;

namespace Aos.Abstractions.Tests.Agents;

public sealed class AgentDescriptorTests
{
    [Theory]
    [InlineData(new string[0], "order.placed", true)]
    [InlineData(new[] { "order.placed", "order.paid" }, "order.paid", true)]
    [InlineData(new[] { "order.placed" }, "order.shipped", false)]
    [InlineData(new[] { "order.placed" }, "Order.Placed", false)]
    public void Takes_EveryTypeWhenNoneIsDeclared_ElseOnlyTheDeclaredOnes(string[] declared, string type, bool takes)
    {
        Assert.Equal(takes, AgentDescriptor.Takes(declared, type));
    }
}
