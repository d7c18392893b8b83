package dev.tenantlimit.testapp;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Starts the tests' services before the first test (registered in META-INF/services). */
public class TestServicesListener implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		TestServices.ensure();
	}

}
