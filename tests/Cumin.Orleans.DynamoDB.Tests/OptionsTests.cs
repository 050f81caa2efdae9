using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>Options defaults, validation, binding from configuration, and the ready-made key resolvers.</summary>
public sealed class OptionsTests
{
    [Fact]
    public void Default_options_are_valid_and_map_unlisted_states_to_the_grains_table()
    {
        var options = new DynamoDBGrainStorageOptions();

        Assert.Empty(DynamoDBGrainStorageOptionsValidator.Validate(options));
        Assert.Equal("grains", options.DefaultTable?.TableName);
        Assert.Equal("pk", options.DefaultTable?.PartitionKeyName);
        Assert.Equal("sk", options.DefaultTable?.SortKeyName);
    }

    [Fact]
    public void Validator_names_each_bad_setting()
    {
        var options = new DynamoDBGrainStorageOptions { TablePrefix = "bad prefix " };
        options.Tables["task"] = new DynamoDBTableMapping
        {
            TableName = "tasks",
            PartitionKeyName = "etag",
            StreamViewType = "EVERYTHING",
            TimeToLive = TimeSpan.FromDays(1),
        };

        var validator = new DynamoDBGrainStorageOptionsValidator(options, "dynamo");
        var error = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains("'dynamo'", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not a DynamoDB table name", error.Message, StringComparison.Ordinal);
        Assert.Contains("collides with the provider's etag attribute", error.Message, StringComparison.Ordinal);
        Assert.Contains("StreamViewType 'EVERYTHING'", error.Message, StringComparison.Ordinal);
        Assert.Contains("TimeToLive is set but TimeToLiveAttribute is not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void State_names_sharing_a_table_must_agree_on_its_shape()
    {
        var options = new DynamoDBGrainStorageOptions();
        options.Tables["a"] = new DynamoDBTableMapping { TableName = "shared", SortKeyName = "sk" };
        options.Tables["b"] = new DynamoDBTableMapping { TableName = "shared" };

        var errors = DynamoDBGrainStorageOptionsValidator.Validate(options).ToList();

        Assert.Contains(errors, error => error.Contains("share table 'shared'", StringComparison.Ordinal));
    }

    [Fact]
    public void Secondary_indexes_are_checked()
    {
        var options = new DynamoDBGrainStorageOptions();
        var noSortKey = new DynamoDBTableMapping { TableName = "flat" };
        noSortKey.LocalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "local", SortKeyName = "order" });
        options.Tables["flat"] = noSortKey;
        var bad = new DynamoDBTableMapping { TableName = "items", SortKeyName = "sk" };
        bad.LocalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "twice", SortKeyName = "order" });
        bad.GlobalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "twice", PartitionKeyName = "owner" });
        bad.GlobalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "no-partition", SortKeyName = "order" });
        bad.GlobalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "etag-keyed", PartitionKeyName = "etag" });
        bad.LocalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "x", SortKeyName = "order" });
        options.Tables["items"] = bad;
        var good = new DynamoDBTableMapping { TableName = "good", SortKeyName = "sk" };
        good.LocalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "by-order", SortKeyName = "order" });
        good.GlobalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "by-owner", PartitionKeyName = "owner", SortKeyName = "order" });
        options.Tables["good"] = good;

        var errors = DynamoDBGrainStorageOptionsValidator.Validate(options).ToList();

        Assert.Contains(errors, e => e.Contains("Tables[\"flat\"]", StringComparison.Ordinal) && e.Contains("needs a table with a sort key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("index name 'twice' is used twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'no-partition': a global index needs a PartitionKeyName", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'etag-keyed': a key attribute collides", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("index 'x': the name is not", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("Tables[\"good\"]", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = "cumin-",
            ["Storage:ServiceUrl"] = "http://127.0.0.1:8000",
            ["Storage:Tables:task:TableName"] = "tasks",
            ["Storage:Tables:task:SortKeyName"] = "sk",
            ["Storage:Tables:task:StreamViewType"] = "NEW_AND_OLD_IMAGES",
            ["Storage:Tables:task:DeleteStateOnClear"] = "true",
            ["Storage:Tables:job:TableName"] = "jobs",
            ["Storage:Tables:job:TimeToLiveAttribute"] = "expiresAt",
            ["Storage:Tables:job:TimeToLive"] = "7.00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddOptions<DynamoDBGrainStorageOptions>("dynamo").Bind(configuration.GetSection("Storage"));

        var options = services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<DynamoDBGrainStorageOptions>>().Get("dynamo");

        Assert.Equal("cumin-", options.TablePrefix);
        Assert.Equal("http://127.0.0.1:8000", options.ServiceUrl);
        Assert.Equal("sk", options.Tables["task"].SortKeyName);
        Assert.Equal("NEW_AND_OLD_IMAGES", options.Tables["task"].StreamViewType);
        Assert.True(options.Tables["task"].DeleteStateOnClear);
        Assert.Equal(TimeSpan.FromDays(7), options.Tables["job"].TimeToLive);
        Assert.Equal("grains", options.DefaultTable?.TableName);
        Assert.Empty(DynamoDBGrainStorageOptionsValidator.Validate(options));
    }

    [Fact]
    public void Compound_key_resolver_splits_at_the_first_slash()
    {
        var key = DynamoDBItemKeyResolvers.CompoundGrainKey(GrainId.Create("task", "project-1/task-7"), "task");

        Assert.Equal(new DynamoDBItemKey("project-1", "task-7"), key);
    }

    [Fact]
    public void Compound_key_resolver_rejects_a_key_without_slash()
    {
        var error = Assert.Throws<ArgumentException>(() => DynamoDBItemKeyResolvers.CompoundGrainKey(GrainId.Create("task", "task-7"), "task"));

        Assert.Contains("task/task-7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_resolver_keys_by_grain_id_and_state_name()
    {
        var key = DynamoDBItemKeyResolvers.GrainIdAndStateName(GrainId.Create("user", "u-1"), "profile");

        Assert.Equal(new DynamoDBItemKey("user/u-1", "profile"), key);
    }

    [Fact]
    public void Client_config_uses_the_sdk_resolution_unless_options_name_an_endpoint()
    {
        var resolved = DynamoDBClientFactory.CreateConfig(new DynamoDBGrainStorageOptions());
        var named = DynamoDBClientFactory.CreateConfig(new DynamoDBGrainStorageOptions { ServiceUrl = "http://127.0.0.1:8000", Region = "eu-west-1" });

        // Left to the SDK: whatever it resolves by itself (AWS_ENDPOINT_URL_DYNAMODB when set), nothing of ours.
        Assert.Equal(new AmazonDynamoDBConfig().ServiceURL, resolved.ServiceURL);
        Assert.Equal("http://127.0.0.1:8000/", named.ServiceURL);
        Assert.Equal("eu-west-1", named.AuthenticationRegion);
    }

    [Fact]
    public void Default_json_options_write_camel_case_and_snake_case_enums()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(
            new { TaskStatus = Grains.WorkStatus.InProgress },
            DynamoDBGrainStorageOptions.CreateDefaultJsonSerializerOptions());

        Assert.Equal("""{"taskStatus":"in_progress"}""", json);
    }
}
