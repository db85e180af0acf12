namespace Aos.Messaging;

/// <summary>Orders messages by urgency: a higher value is more urgent.</summary>
public enum MessagePriority
{
    /// <summary>Background work; shed first under load.</summary>
    Low = 0,

    /// <summary>The default priority.</summary>
    Normal = 1,

    /// <summary>Urgent work, served before normal messages.</summary>
    High = 2,

    /// <summary>Work that must not wait; shed last.</summary>
    Critical = 3,
}
