using Microsoft.Extensions.Configuration;
using Orleans.Runtime;

namespace Cumin.Orleans.Sqs.Tests;

public sealed class SqsStreamOptionsValidatorTests
{
    private static void Validate(SqsStreamOptions options) => new SqsStreamOptionsValidator(options, "sqs").ValidateConfiguration();

    [Fact]
    public void Prefix_and_count_name_one_queue_per_partition()
    {
        var options = new SqsStreamOptions { QueueNamePrefix = "cumin-streams", QueueCount = 3 };

        Validate(options);
        Assert.Equal(["cumin-streams-0", "cumin-streams-1", "cumin-streams-2"], options.GetQueueNames());
    }

    [Fact]
    public void Listed_queues_win_over_the_prefix_and_may_be_urls()
    {
        var options = new SqsStreamOptions
        {
            QueueNames = ["cumin-notifications", "https://sqs.eu-west-1.amazonaws.com/123456789012/other.fifo"],
            QueueNamePrefix = "ignored",
        };

        Validate(options);
        Assert.Equal(["cumin-notifications", "https://sqs.eu-west-1.amazonaws.com/123456789012/other.fifo"], options.GetQueueNames());
    }

    [Fact]
    public void Options_without_queues_are_rejected()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(new SqsStreamOptions()));
        Assert.Contains("'sqs'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("ftp://host/queue")]
    public void Invalid_queue_names_are_rejected(string queue)
    {
        Assert.Throws<OrleansConfigurationException>(() => Validate(new SqsStreamOptions { QueueNames = [queue] }));
    }

    [Fact]
    public void Out_of_range_receive_settings_are_rejected()
    {
        Assert.Throws<OrleansConfigurationException>(() => Validate(new SqsStreamOptions { QueueNames = ["q"], MaxNumberOfMessages = 11 }));
        Assert.Throws<OrleansConfigurationException>(() => Validate(new SqsStreamOptions { QueueNames = ["q"], WaitTime = TimeSpan.FromSeconds(21) }));
        Assert.Throws<OrleansConfigurationException>(() => Validate(new SqsStreamOptions { QueueNames = ["q"], VisibilityTimeout = TimeSpan.Zero }));
    }

    [Fact]
    public void Options_bind_from_configuration_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streams:Sqs:QueueNames:0"] = "cumin-notifications",
            ["Streams:Sqs:CreateQueues"] = "false",
            ["Streams:Sqs:QueueAttributes:MessageRetentionPeriod"] = "86400",
            ["Streams:Sqs:WaitTime"] = "00:00:10",
            ["Streams:Sqs:MaxNumberOfMessages"] = "5",
            ["Streams:Sqs:VisibilityTimeout"] = "00:02:00",
            ["Streams:Sqs:RedeliveryDelay"] = "00:00:05",
            ["Streams:Sqs:DeleteUnreadableMessages"] = "false",
            ["Streams:Sqs:ServiceUrl"] = "http://127.0.0.1:4566",
            ["Streams:Sqs:Region"] = "eu-west-1",
        }).Build();

        var options = configuration.GetSection("Streams:Sqs").Get<SqsStreamOptions>()!;

        Validate(options);
        Assert.Equal(["cumin-notifications"], options.GetQueueNames());
        Assert.False(options.CreateQueues);
        Assert.Equal("86400", options.QueueAttributes["MessageRetentionPeriod"]);
        Assert.Equal(TimeSpan.FromSeconds(10), options.WaitTime);
        Assert.Equal(5, options.MaxNumberOfMessages);
        Assert.Equal(TimeSpan.FromMinutes(2), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RedeliveryDelay);
        Assert.False(options.DeleteUnreadableMessages);
        Assert.Equal("http://127.0.0.1:4566", options.ServiceUrl);
        Assert.Equal("eu-west-1", options.Region);
    }
}
