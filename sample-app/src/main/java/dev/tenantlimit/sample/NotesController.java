package dev.tenantlimit.sample;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import dev.tenantlimit.web.CurrentTenant;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Notes per tenant: every query is scoped by the tenant TenantLimit resolved. */
@RestController
@RequestMapping("/api")
class NotesController {

	private static final int MAX_TEXT_LENGTH = 1000;

	private final JdbcClient jdbc;

	NotesController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The cheapest endpoint, for measuring what the limiter adds (benchmarks/run.sh). */
	@GetMapping("/ping")
	String ping() {
		return "pong";
	}

	@GetMapping("/whoami")
	Map<String, String> whoami(@CurrentTenant String tenant) {
		return Map.of("tenant", tenant);
	}

	@GetMapping("/notes")
	List<Note> notes(@CurrentTenant String tenant) {
		return this.jdbc.sql("SELECT id, text, created_at FROM notes WHERE tenant_id = ? ORDER BY id")
			.param(tenant)
			.query(Note.class)
			.list();
	}

	@GetMapping("/notes/{id}")
	Note note(@CurrentTenant String tenant, @PathVariable long id) {
		return this.jdbc.sql("SELECT id, text, created_at FROM notes WHERE tenant_id = ? AND id = ?")
			.params(tenant, id)
			.query(Note.class)
			.optional()
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No note " + id));
	}

	@PostMapping("/notes")
	ResponseEntity<Note> create(@CurrentTenant String tenant, @RequestBody NewNote note) {
		if (note.text() == null || note.text().isBlank() || note.text().length() > MAX_TEXT_LENGTH) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"text must have 1 to " + MAX_TEXT_LENGTH + " characters");
		}
		OffsetDateTime now = OffsetDateTime.now();
		KeyHolder keys = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO notes (tenant_id, text, created_at) VALUES (?, ?, ?)")
			.params(tenant, note.text(), now)
			.update(keys, "id");
		long id = keys.getKeyAs(Long.class);
		return ResponseEntity.created(URI.create("/api/notes/" + id)).body(new Note(id, note.text(), now));
	}

	record Note(long id, String text, OffsetDateTime createdAt) {
	}

	record NewNote(String text) {
	}

}
