using System.Reflection;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Data;
using Cumin.Lambdas.Tests.TestSupport;
using Cumin.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cumin.Lambdas.Tests;

/// <summary>Sets process environment variables, so it runs alone.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(nameof(EnvironmentCollection))]
public sealed class LambdaEntryPointTests
{
    private const string Handler = "Cumin.Lambdas::Cumin.Lambdas.Aggregation.AggregatorFunction::HandleAsync";

    /// <summary>What the .NET Lambda runtime does with a handler string: assembly, type, then one method of that name.</summary>
    private static (Type Type, MethodInfo Method) Resolve(string handler)
    {
        var parts = handler.Split("::");
        var type = Assembly.Load(parts[0]).GetType(parts[1], throwOnError: true)!;
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(m => m.Name == parts[2]).ToList();
        return (type, Assert.Single(methods));
    }

    [Fact]
    public void Handler_string_names_a_single_Stream_in_Stream_out_method_on_a_class_with_a_parameterless_constructor()
    {
        var (type, method) = Resolve(Handler);

        Assert.True(type.IsPublic && !type.IsAbstract);
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        Assert.Equal([typeof(Stream)], method.GetParameters().Select(p => p.ParameterType));
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);
    }

    [Fact]
    public async Task Function_built_from_environment_variables_applies_a_batch()
    {
        var connectionString = await LocalStack.CreateDatabaseAsync("entrypoint");
        await using (var db = new LambdasDbContext(new DbContextOptionsBuilder<LambdasDbContext>().UseNpgsql(connectionString).Options))
        {
            await db.Database.MigrateAsync();
        }

        var saved = (Environment.GetEnvironmentVariable("ConnectionStrings__Postgres"), Environment.GetEnvironmentVariable("Cumin__Tables__Prefix"));
        Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", connectionString);
        Environment.SetEnvironmentVariable("Cumin__Tables__Prefix", "entry-");
        try
        {
            var (type, method) = Resolve(Handler);
            var function = Activator.CreateInstance(type)!;
            var events = new StreamEvents("entry-");
            var project = Guid.NewGuid().ToString("N");

            var output = await (Task<Stream>)method.Invoke(function, [StreamEvents.Payload(
                events.Insert(project, "a", 1, TaskStatusNames.Todo),
                events.Insert(project, "b", 2, TaskStatusNames.Done))])!;

            Assert.Equal("""{"batchItemFailures":[]}""", await new StreamReader(output).ReadToEndAsync());
            await using var counts = new Counts(connectionString);
            Assert.Equal(new StatusCounts(1, 0, 1), await counts.Of(project));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", saved.Item1);
            Environment.SetEnvironmentVariable("Cumin__Tables__Prefix", saved.Item2);
        }
    }
}

public sealed class ExporterEntryPointTests
{
    [Fact]
    public async Task Exporter_handler_string_resolves_and_the_environment_built_function_ignores_non_INSERT_records()
    {
        const string handler = "Cumin.Lambdas::Cumin.Lambdas.Export.ExporterFunction::HandleAsync";
        var parts = handler.Split("::");
        var type = Assembly.Load(parts[0]).GetType(parts[1], throwOnError: true)!;
        var method = Assert.Single(type.GetMethods(BindingFlags.Public | BindingFlags.Instance), m => m.Name == parts[2]);
        Assert.Equal([typeof(Stream)], method.GetParameters().Select(p => p.ParameterType));
        Assert.Equal(typeof(Task<Stream>), method.ReturnType);

        var function = Activator.CreateInstance(type)!;
        var record = new Cumin.Lambdas.Streams.DynamoDbStreamRecord { EventName = "MODIFY", EventId = "e1" };
        var output = await (Task<Stream>)method.Invoke(function, [StreamEvents.Payload(record)])!;

        Assert.Equal("""{"batchItemFailures":[]}""", await new StreamReader(output).ReadToEndAsync());
    }
}
