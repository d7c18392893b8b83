package dev.tenantlimit.annotation;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

import dev.tenantlimit.quota.Quota;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Reading {@code @RateLimited} from Spring MVC's handlers, and finding a request's. */
class HandlerQuotasTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class))
		.withBean(HandlerQuotas.class);

	@Test
	void findsTheQuotasOfTheHandlerThatServesTheRequestAndLeavesItsAttributesAlone() {
		this.runner.withUserConfiguration(Controllers.class).run((context) -> {
			HandlerQuotas quotas = context.getBean(HandlerQuotas.class);
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/items/42");
			assertThat(quotas.forRequest(request)).singleElement().satisfies((quota) -> {
				assertThat(quota.limit()).isEqualTo(5);
				assertThat(quota.window()).isEqualTo(Duration.ofSeconds(30));
				assertThat(quota.cost()).isEqualTo(2);
				assertThat(quota.isHandlerQuota()).isTrue();
				assertThat(quota.path()).isEqualTo(Quota.HANDLER_PATH_PREFIX + Items.class.getName() + "#item/1");
			});
			assertThat(Collections.list(request.getAttributeNames())).isEmpty();
			// repeated: two quotas, two counters
			assertThat(quotas.forRequest(new MockHttpServletRequest("GET", "/items")))
				.extracting(Quota::limit, Quota::path)
				.containsExactly(tuple(10L, Quota.HANDLER_PATH_PREFIX + Items.class.getName() + "#items/0"),
						tuple(100L,
								Quota.HANDLER_PATH_PREFIX + Items.class.getName() + "#items/0~1"));
			assertThat(quotas.forRequest(new MockHttpServletRequest("GET", "/free"))).isEmpty();
			assertThat(quotas.forRequest(new MockHttpServletRequest("POST", "/items/42"))).isEmpty();
			assertThat(quotas.forRequest(new MockHttpServletRequest("GET", "/nowhere"))).isEmpty();
		});
	}

	@Test
	void anApplicationWithoutTheAnnotationHasNothingToLookUp() {
		this.runner.withUserConfiguration(Free.class).run((context) -> {
			HandlerQuotas quotas = context.getBean(HandlerQuotas.class);
			assertThat(quotas.isEmpty()).isTrue();
			assertThat(quotas.forRequest(new MockHttpServletRequest("GET", "/free"))).isEmpty();
		});
	}

	@Test
	void aBadValueFailsStartUpNamingTheHandler() {
		this.runner.withUserConfiguration(BadWindow.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("@RateLimited on " + BadWindowController.class.getName() + "#call/0")
				.hasMessageContaining("window 'soon' is not a duration"));
		this.runner.withUserConfiguration(BadCost.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("cost must be at most the limit, was 11"));
	}

	@RestController
	static class Items {

		@GetMapping("/items/{id}")
		@RateLimited(limit = 5, window = "30s", cost = 2)
		String item(@PathVariable String id) {
			return id;
		}

		@GetMapping("/items")
		@RateLimited(limit = 10, window = "1s")
		@RateLimited(limit = 100, window = "1m")
		List<String> items() {
			return List.of();
		}

	}

	@RestController
	static class FreeController {

		@GetMapping("/free")
		String free() {
			return "free";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Controllers {

		@Bean
		Items items() {
			return new Items();
		}

		@Bean
		FreeController free() {
			return new FreeController();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Free {

		@Bean
		FreeController free() {
			return new FreeController();
		}

	}

	@RestController
	static class BadWindowController {

		@GetMapping("/bad")
		@RateLimited(limit = 5, window = "soon")
		String call() {
			return "";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadWindow {

		@Bean
		BadWindowController bad() {
			return new BadWindowController();
		}

	}

	@RestController
	static class BadCostController {

		@GetMapping("/bad")
		@RateLimited(limit = 10, window = "1m", cost = 11)
		String call() {
			return "";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadCost {

		@Bean
		BadCostController bad() {
			return new BadCostController();
		}

	}

}
