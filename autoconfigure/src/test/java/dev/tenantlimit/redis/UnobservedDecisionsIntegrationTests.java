package dev.tenantlimit.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.tenantlimit.autoconfigure.TenantLimitRedisAutoConfiguration;
import dev.tenantlimit.quota.Quota;
import dev.tenantlimit.testapp.TestRedis;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's per-command Lettuce observation, on, over the local Redis: the rate decisions are
 * left out of it unless asked for, the application's own commands are not.
 */
class UnobservedDecisionsIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, ObservationAutoConfiguration.class,
				DataRedisAutoConfiguration.class,
				LettuceObservationAutoConfiguration.class, TenantLimitRedisAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
				"tenantlimit.redis.key-prefix=tl-test-unobserved-" + System.nanoTime() + ":");

	@Test
	void theDecisionsAreNotObservedButTheApplicationsCommandsAre() {
		this.runner.run((context) -> {
			decideAndGet(context);
			// (EVALSHA is there too: the instance heartbeat's script, a few a minute)
			assertThat(observedCommands(context)).contains("GET").doesNotContain("FCALL");
		});
	}

	@Test
	void theDecisionsAreObservedWhenAskedFor() {
		this.runner.withPropertyValues("tenantlimit.redis.observe-decisions=true").run((context) -> {
			decideAndGet(context);
			assertThat(observedCommands(context)).contains("GET", "FCALL");
		});
	}

	@Test
	void theDecisionIsToldApartByItsFunctionOrScript() {
		assertThat(UnobservedDecisions.isDecision(command(CommandType.FCALL,
				RedisSlidingWindowRateLimiter.DECIDE.functionName()))).isTrue();
		assertThat(UnobservedDecisions.isDecision(command(CommandType.EVALSHA,
				RedisSlidingWindowRateLimiter.DECIDE.script().getSha1()))).isTrue();
		assertThat(UnobservedDecisions.isDecision(command(CommandType.FCALL, "an_applications_function"))).isFalse();
		assertThat(UnobservedDecisions.isDecision(command(CommandType.EVALSHA, "0".repeat(40)))).isFalse();
		assertThat(UnobservedDecisions.isDecision(command(CommandType.GET, null))).isFalse();
	}

	private static Command<String, String, String> command(CommandType type, String first) {
		CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
		if (first != null) {
			args.add(first).add(1);
		}
		args.addKey("tl:{acme}:w60000");
		return new Command<>(type, new StatusOutput<>(StringCodec.UTF8), args);
	}

	private static void decideAndGet(AssertableApplicationContext context) {
		RedisSlidingWindowRateLimiter limiter = context.getBean(RedisSlidingWindowRateLimiter.class);
		for (int i = 0; i < 3; i++) {
			assertThat(limiter.tryAcquire("acme", List.of(Quota.of(100, Duration.ofMinutes(1)))).allowed()).isTrue();
		}
		context.getBean(StringRedisTemplate.class).opsForValue().get("tl-test-unobserved-nothing");
	}

	/** The commands of Lettuce's observation timers (whatever its tag for them is called). */
	private static Set<String> observedCommands(AssertableApplicationContext context) {
		Set<String> commands = new TreeSet<>();
		for (Meter meter : context.getBean(MeterRegistry.class).getMeters()) {
			if (meter.getId().getName().startsWith("lettuce")) {
				meter.getId().getTags().forEach((tag) -> commands.add(tag.getValue()));
			}
		}
		return commands;
	}

}
