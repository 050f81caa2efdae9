using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>
/// The AWS SDK methods a function can call, read from its compiled code: every method of Cumin.Lambdas reachable from
/// the handler (calls, constructors, delegates, async state machines), and the calls among them to an AWS SDK client.
/// A call added anywhere on the function's path shows up here without anyone listing it.
/// </summary>
internal static class AwsCalls
{
    /// <summary>How a call made without an SDK client, declared with [AwsAction], is named: <c>action:{action}|{variable}</c>.</summary>
    public const string AwsActionPrefix = "action:";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>"IAmazonDynamoDB.GetItemAsync"-style names of the SDK client methods reachable from <paramref name="root"/>.</summary>
    public static IReadOnlySet<string> ReachableFrom(params MethodBase[] roots)
    {
        var own = roots[0].DeclaringType!.Assembly;
        var seen = new HashSet<MethodBase>();
        var calls = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<MethodBase>(roots);
        while (pending.TryDequeue(out var method))
        {
            if (!seen.Add(method))
            {
                continue;
            }

            if (method.GetCustomAttribute<AsyncStateMachineAttribute>() is { } async
                && async.StateMachineType.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public) is { } moveNext)
            {
                pending.Enqueue(moveNext);
            }

            foreach (var callee in Callees(method))
            {
                if (callee.DeclaringType?.Assembly == own)
                {
                    if (callee.GetCustomAttribute<Cumin.Lambdas.Hosting.AwsActionAttribute>() is { } declared)
                    {
                        calls.Add($"{AwsActionPrefix}{declared.Action}|{declared.ResourceVariable}");
                    }

                    pending.Enqueue(callee);
                    // A call through an interface or a base reaches the overrides in this assembly too.
                    foreach (var type in own.GetTypes().Where(t => callee.DeclaringType.IsAssignableFrom(t) && t != callee.DeclaringType))
                    {
                        if (type.GetMethod(callee.Name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic,
                                callee.GetParameters().Select(p => p.ParameterType).ToArray()) is { } implementation)
                        {
                            pending.Enqueue(implementation);
                        }
                    }
                }
                else if (IsSdkClient(callee.DeclaringType))
                {
                    calls.Add($"{callee.DeclaringType!.Name}.{callee.Name}");
                }
            }
        }

        return calls;
    }

    /// <summary>An AWS SDK service client (IAmazonS3, AmazonSQSClient, …), not the SDK's models or runtime helpers.</summary>
    private static bool IsSdkClient(Type? type) =>
        type is not null && type.Namespace?.StartsWith("Amazon.", StringComparison.Ordinal) == true
        && (type.IsInterface ? type.Name.StartsWith("IAmazon", StringComparison.Ordinal) : typeof(Amazon.Runtime.AmazonServiceClient).IsAssignableFrom(type));

    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } generic ? generic.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } info ? info.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var opCode = OpCodesByValue[value];
            i += opCode.Size;
            if (opCode.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                    // A generic instantiation this context cannot close: not a call into the SDK or into our own code.
                }

                if (callee is not null)
                {
                    yield return callee;
                }
            }

            i += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }
    }
}
