using Aos.Messaging;

namespace Aos.Abstractions.Tests.Messaging;

public sealed class MessageBusOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndKeepDeadLettersAndConversations()
    {
        var options = new MessageBusOptions();

        Assert.Empty(options.Validate());
        Assert.Null(options.DeadLetterRetention);
        Assert.Null(options.ConversationRetention);
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

    [Fact]
    public void ConversationRetention_NotPositive_IsRefusedWithWhatToDoInstead()
    {
        var options = new MessageBusOptions { ConversationRetention = TimeSpan.Zero };

        var problem = Assert.Single(options.Validate());
        Assert.Contains("Aos:Bus:ConversationRetention", problem, StringComparison.Ordinal);
        Assert.Contains("left unset", problem, StringComparison.Ordinal);
    }
}
