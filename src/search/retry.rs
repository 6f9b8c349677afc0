//! When to try again and how long to wait: backoff, `Retry-After`,
//! Intercom's rate-limit headers, the caps on waiting, and the clock that
//! the waiting is done with.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::transport::Response;

/// How a search retries, paces and bounds its waits.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts after the first, per request, for 429s, 5xx responses,
    /// timeouts and broken connections. 5 by default.
    pub max_retries: u32,
    /// The first backoff delay; each retry doubles it. 500 ms by default.
    pub base_delay: Duration,
    /// The longest single wait. Backoff and pacing are cut to it; a server
    /// that asks for a longer wait (`Retry-After`, `X-RateLimit-Reset`)
    /// ends the search at once ([`SearchError::WaitTooLong`]). 30 s by
    /// default.
    ///
    /// [`SearchError::WaitTooLong`]: super::SearchError::WaitTooLong
    pub max_delay: Duration,
    /// The most time all the waits of a search may add up to; a wait that
    /// would pass it ends the search ([`SearchError::WaitBudget`]).
    /// 2 minutes by default.
    ///
    /// [`SearchError::WaitBudget`]: super::SearchError::WaitBudget
    pub max_total_wait: Duration,
    /// Spread each backoff delay randomly over its upper half, so that
    /// clients that failed together do not retry together. On by default.
    pub jitter: bool,
    /// Below this fraction of `X-RateLimit-Limit` remaining, requests are
    /// spread evenly over the time left until `X-RateLimit-Reset`, so that
    /// a 429 does not come. 0.1 by default.
    pub slow_below: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(120),
            jitter: true,
            slow_below: 0.1,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first): the base
    /// delay doubled `retry` times, at most [`RetryPolicy::max_delay`];
    /// with jitter, a point in its upper half chosen by `random` (in
    /// `0.0..1.0`).
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        let delay = self
            .base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        if self.jitter {
            let half = delay / 2;
            half + half.mul_f64(random.clamp(0.0, 1.0))
        } else {
            delay
        }
    }

    /// The pause before the next request when few requests remain in the
    /// window: the time left until the reset shared among the requests
    /// left, all of it when none is left, at most
    /// [`RetryPolicy::max_delay`]. `None` when there are plenty.
    pub fn pace(&self, limits: &RateLimit, now: SystemTime) -> Option<Duration> {
        let remaining = limits.remaining?;
        let low = match limits.limit {
            Some(limit) if limit > 0 => (remaining as f64) < limit as f64 * self.slow_below,
            _ => remaining == 0,
        };
        if !low {
            return None;
        }
        let until_reset = limits.until_reset(now)?;
        let share = u32::try_from(remaining.saturating_add(1)).unwrap_or(u32::MAX);
        Some((until_reset / share).min(self.max_delay))
    }
}

/// Where the length of a wait came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitSource {
    /// The response's `Retry-After` header.
    RetryAfter,
    /// The response's `X-RateLimit-Reset` header.
    RateLimitReset,
    /// Exponential backoff ([`RetryPolicy::backoff`]).
    Backoff,
}

impl fmt::Display for WaitSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaitSource::RetryAfter => "Retry-After",
            WaitSource::RateLimitReset => "X-RateLimit-Reset",
            WaitSource::Backoff => "backoff",
        })
    }
}

/// The rate-limit headers of a response, and its `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets, in unix seconds.
    pub reset: Option<u64>,
    /// `Retry-After`: when to try again.
    pub retry_after: Option<RetryAfter>,
}

/// A `Retry-After` header: a number of seconds, or an HTTP date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: 120`.
    Seconds(u64),
    /// `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
    Date(SystemTime),
}

/// The two older forms of an HTTP date (RFC 850 and asctime); jiff's RFC
/// 2822 parser reads the current one (IMF-fixdate).
const OLD_HTTP_DATES: [&str; 2] = ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"];

impl RetryAfter {
    /// Reads the header's value: delay-seconds, or an HTTP date in any of
    /// the three forms HTTP allows. `None` when it is neither.
    ///
    /// ```
    /// use qc::search::RetryAfter;
    /// use std::time::{Duration, UNIX_EPOCH};
    /// assert_eq!(RetryAfter::parse("120"), Some(RetryAfter::Seconds(120)));
    /// let date = RetryAfter::parse("Thu, 01 Jan 1970 00:01:40 GMT");
    /// assert_eq!(date, Some(RetryAfter::Date(UNIX_EPOCH + Duration::from_secs(100))));
    /// assert_eq!(RetryAfter::parse("soon"), None);
    /// ```
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            // More digits than a u64 holds is still "a very long time".
            return Some(RetryAfter::Seconds(value.parse().unwrap_or(u64::MAX)));
        }
        let current = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(value);
        let timestamp = current.ok().or_else(|| {
            OLD_HTTP_DATES.iter().find_map(|format| {
                let civil = jiff::fmt::strtime::parse(format, value)
                    .and_then(|t| t.to_datetime())
                    .ok()?;
                civil
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .ok()
                    .map(|z| z.timestamp())
            })
        })?;
        let seconds = u64::try_from(timestamp.as_second()).ok()?;
        Some(RetryAfter::Date(
            UNIX_EPOCH.checked_add(Duration::from_secs(seconds))?,
        ))
    }

    /// The wait it asks for, from `now`; zero for a date already past.
    pub fn delay(&self, now: SystemTime) -> Duration {
        match *self {
            RetryAfter::Seconds(secs) => Duration::from_secs(secs),
            RetryAfter::Date(at) => at.duration_since(now).unwrap_or_default(),
        }
    }
}

impl RateLimit {
    /// Reads the headers; missing or unreadable ones are `None`.
    pub fn of(response: &Response) -> Self {
        let number = |name| response.header(name).and_then(|v| v.parse::<u64>().ok());
        RateLimit {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
            retry_after: response.header("retry-after").and_then(RetryAfter::parse),
        }
    }

    /// The time until the window resets, when that is known and still to
    /// come; not capped (a reset in year 3000 is 975 years away).
    pub fn until_reset(&self, now: SystemTime) -> Option<Duration> {
        let wait = match UNIX_EPOCH.checked_add(Duration::from_secs(self.reset?)) {
            Some(reset) => reset.duration_since(now).ok()?,
            // Past what the system's time can hold: as long as can be.
            None => Duration::MAX,
        };
        (!wait.is_zero()).then_some(wait)
    }

    /// The wait the server asks for before the next try of a request that
    /// got `status`: `Retry-After` when given, else, after a 429, the time
    /// until `X-RateLimit-Reset`. Not capped.
    pub fn requested_wait(&self, status: u16, now: SystemTime) -> Option<(Duration, WaitSource)> {
        if let Some(after) = self.retry_after {
            return Some((after.delay(now), WaitSource::RetryAfter));
        }
        if status == 429 {
            return self
                .until_reset(now)
                .map(|wait| (wait, WaitSource::RateLimitReset));
        }
        None
    }
}

/// The time, and waiting: [`SystemClock`] in real use, a fake one in tests
/// so that waits take no time and can be checked.
pub trait Clock {
    /// Now, to compare with `X-RateLimit-Reset`.
    fn now(&self) -> SystemTime;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration);
    /// A number in `0.0..1.0` for jitter.
    fn random(&self) -> f64 {
        random_fraction()
    }
}

/// The system's clock, and `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> SystemTime {
        (**self).now()
    }

    fn sleep(&self, duration: Duration) {
        (**self).sleep(duration);
    }

    fn random(&self) -> f64 {
        (**self).random()
    }
}

/// A random number in `0.0..1.0` from std's randomly keyed hasher: enough
/// for jitter, without a dependency.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        }
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = policy();
        let delays: Vec<u64> = (0..10)
            .map(|n| p.backoff(n, 0.5).as_millis() as u64)
            .collect();
        assert_eq!(
            delays,
            [
                500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000
            ]
        );
        assert_eq!(p.backoff(u32::MAX, 0.0), p.max_delay);
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(500));
        let high = p.backoff(1, 0.999_999);
        assert!(high > Duration::from_millis(999) && high < Duration::from_secs(1));
        for _ in 0..100 {
            let r = random_fraction();
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }

    #[test]
    fn the_reset_is_not_capped_and_may_be_far() {
        let limits = |reset| RateLimit {
            reset: Some(reset),
            ..RateLimit::default()
        };
        assert_eq!(
            limits(1_007).until_reset(at(1_000)),
            Some(Duration::from_secs(7))
        );
        assert_eq!(limits(1_000).until_reset(at(1_000)), None);
        assert_eq!(limits(900).until_reset(at(1_000)), None);
        // 3000-01-01T00:00:00Z.
        let year_3000 = limits(32_503_680_000).until_reset(at(1_700_000_000));
        assert_eq!(
            year_3000,
            Some(Duration::from_secs(32_503_680_000 - 1_700_000_000))
        );
        assert_eq!(limits(u64::MAX).until_reset(at(1_000)), Some(Duration::MAX));
        assert_eq!(RateLimit::default().until_reset(at(1_000)), None);
    }

    #[test]
    fn retry_after_comes_first_then_the_reset_of_a_429() {
        let now = at(1_000);
        let both = RateLimit {
            reset: Some(1_010),
            retry_after: Some(RetryAfter::Seconds(3)),
            ..RateLimit::default()
        };
        assert_eq!(
            both.requested_wait(429, now),
            Some((Duration::from_secs(3), WaitSource::RetryAfter))
        );
        assert_eq!(
            both.requested_wait(503, now),
            Some((Duration::from_secs(3), WaitSource::RetryAfter))
        );
        let reset_only = RateLimit {
            retry_after: None,
            ..both
        };
        assert_eq!(
            reset_only.requested_wait(429, now),
            Some((Duration::from_secs(10), WaitSource::RateLimitReset))
        );
        // The reset of a 5xx is about pacing, not about this request.
        assert_eq!(reset_only.requested_wait(503, now), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_the_three_http_dates() {
        let date = |secs| Some(RetryAfter::Date(at(secs)));
        for (value, want) in [
            ("0", Some(RetryAfter::Seconds(0))),
            (" 42 ", Some(RetryAfter::Seconds(42))),
            (
                "99999999999999999999999",
                Some(RetryAfter::Seconds(u64::MAX)),
            ),
            ("Sun, 06 Nov 1994 08:49:37 GMT", date(784_111_777)),
            ("Sunday, 06-Nov-94 08:49:37 GMT", date(784_111_777)),
            ("Sun Nov  6 08:49:37 1994", date(784_111_777)),
            ("Wed, 01 Jan 3000 00:00:00 GMT", date(32_503_680_000)),
            ("-5", None),
            ("1.5", None),
            ("", None),
            ("tomorrow", None),
            ("Thu, 01 Jan 1969 00:00:00 GMT", None),
        ] {
            assert_eq!(RetryAfter::parse(value), want, "{value:?}");
        }
        let soon = RetryAfter::Date(at(1_005));
        assert_eq!(soon.delay(at(1_000)), Duration::from_secs(5));
        assert_eq!(soon.delay(at(2_000)), Duration::ZERO);
    }

    #[test]
    fn paces_only_when_few_requests_remain() {
        let p = policy();
        let limits = |remaining| RateLimit {
            limit: Some(1_000),
            remaining: Some(remaining),
            reset: Some(1_010),
            retry_after: None,
        };
        assert_eq!(p.pace(&limits(500), at(1_000)), None);
        assert_eq!(p.pace(&limits(100), at(1_000)), None);
        assert_eq!(
            p.pace(&limits(99), at(1_000)),
            Some(Duration::from_millis(100))
        );
        assert_eq!(p.pace(&limits(0), at(1_000)), Some(Duration::from_secs(10)));
        let unknown_limit = RateLimit {
            limit: None,
            ..limits(0)
        };
        assert_eq!(
            p.pace(&unknown_limit, at(1_000)),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            p.pace(
                &RateLimit {
                    limit: None,
                    ..limits(3)
                },
                at(1_000)
            ),
            None
        );
        let far = RateLimit {
            reset: Some(1_000 + 3_600),
            ..limits(1)
        };
        assert_eq!(p.pace(&far, at(1_000)), Some(p.max_delay));
    }

    #[test]
    fn reads_the_headers() {
        let response = Response {
            status: 200,
            headers: vec![
                ("x-ratelimit-limit".into(), "10000".into()),
                ("x-ratelimit-remaining".into(), " 42 ".into()),
                ("x-ratelimit-reset".into(), "soon".into()),
                ("Retry-After".into(), "7".into()),
            ],
            body: Vec::new(),
        };
        assert_eq!(
            RateLimit::of(&response),
            RateLimit {
                limit: Some(10_000),
                remaining: Some(42),
                reset: None,
                retry_after: Some(RetryAfter::Seconds(7)),
            }
        );
    }
}
