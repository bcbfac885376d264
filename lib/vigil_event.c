#include "config.h"
#include "vigil_event.h"

#include <stdio.h>
#include <string.h>

const char *const vigil_event_type_names[VIGIL_EVENT_TYPE_COUNT] = {
	[VIGIL_EVENT_VRRP_INSTANCE] = "vrrp_instance",
	[VIGIL_EVENT_VRRP_SYNC_GROUP] = "vrrp_sync_group",
	[VIGIL_EVENT_REAL_SERVER] = "real_server",
	[VIGIL_EVENT_VIRTUAL_SERVER] = "virtual_server",
	[VIGIL_EVENT_WORKER] = "worker",
	[VIGIL_EVENT_RELOAD] = "reload",
	[VIGIL_EVENT_DAEMON] = "daemon",
	[VIGIL_EVENT_OVERFLOW] = "overflow",
};

static const unsigned type_classes[VIGIL_EVENT_TYPE_COUNT] = {
	[VIGIL_EVENT_VRRP_INSTANCE] = VIGIL_EVENT_CLASS_VRRP,
	[VIGIL_EVENT_VRRP_SYNC_GROUP] = VIGIL_EVENT_CLASS_VRRP,
	[VIGIL_EVENT_REAL_SERVER] = VIGIL_EVENT_CLASS_CHECKER,
	[VIGIL_EVENT_VIRTUAL_SERVER] = VIGIL_EVENT_CLASS_CHECKER,
	[VIGIL_EVENT_WORKER] = VIGIL_EVENT_CLASS_PROCESS,
	[VIGIL_EVENT_RELOAD] = VIGIL_EVENT_CLASS_PROCESS,
	[VIGIL_EVENT_DAEMON] = VIGIL_EVENT_CLASS_PROCESS,
	[VIGIL_EVENT_OVERFLOW] = VIGIL_EVENT_CLASS_ALL,
};

static const struct {
	const char *name;
	unsigned mask;
} class_names[] = {
	{ "vrrp", VIGIL_EVENT_CLASS_VRRP },
	{ "checker", VIGIL_EVENT_CLASS_CHECKER },
	{ "process", VIGIL_EVENT_CLASS_PROCESS },
	{ "all", VIGIL_EVENT_CLASS_ALL },
};

static struct {
	vigil_event_sink_fn *sink;
	void *arg;
	bool enabled;
} event_out;

unsigned vigil_event_class_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (strcmp(name, class_names[i].name) == 0)
			return class_names[i].mask;
	return 0;
}

unsigned vigil_event_class_of(const char *type)
{
	for (int i = 0; type && i < VIGIL_EVENT_TYPE_COUNT; i++)
		if (strcmp(type, vigil_event_type_names[i]) == 0)
			return type_classes[i];
	return 0;
}

bool vigil_event_matches(json_object *event, unsigned class_mask)
{
	json_object *type;

	if (!json_object_object_get_ex(event, "type", &type))
		return false;
	return (vigil_event_class_of(json_object_get_string(type)) & class_mask) != 0;
}

void vigil_event_format_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char whole[24];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(whole, sizeof(whole), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03uZ", whole, (unsigned)(ts->tv_nsec / 1000000) % 1000u);
}

json_object *vigil_event_new(enum vigil_event_type type)
{
	json_object *ev = json_object_new_object();
	struct timespec now;
	char stamp[48];

	clock_gettime(CLOCK_REALTIME, &now);
	vigil_event_format_time(&now, stamp, sizeof(stamp));
	json_object_object_add(ev, "time", json_object_new_string(stamp));
	json_object_object_add(ev, "type", json_object_new_string(vigil_event_type_names[type]));
	return ev;
}

void vigil_event_set_sink(vigil_event_sink_fn *sink, void *arg)
{
	event_out.sink = sink;
	event_out.arg = arg;
}

void vigil_event_set_enabled(bool enabled)
{
	event_out.enabled = enabled;
}

bool vigil_event_wanted(void)
{
	return event_out.sink && event_out.enabled;
}

void vigil_event_emit(json_object *event)
{
	if (vigil_event_wanted())
		event_out.sink(event_out.arg, event);
	else
		json_object_put(event);
}
