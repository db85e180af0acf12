using Aos.Messaging;

namespace Aos.Abstractions.Tests.Messaging;

public sealed class MessageBusOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndKeepDeadLettersUntilReplayedOrDiscarded()
    {
        var options = new MessageBusOptions();

        Assert.Empty(options.Validate());
        Assert.Null(options.DeadLetterRetention);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void DeadLetterRetention_NotPositive_IsRefusedWithWhatToDoInstead(int days)
    {
        var options = new MessageBusOptions { DeadLetterRetention = TimeSpan.FromDays(days) };

        var problem = Assert.Single(options.Validate());
        Assert.Contains("Aos:Bus:DeadLetterRetention", problem, StringComparison.Ordinal);
        Assert.Contains("left unset", problem, StringComparison.Ordinal);
    }
}
