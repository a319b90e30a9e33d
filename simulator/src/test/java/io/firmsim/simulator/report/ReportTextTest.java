package io.firmsim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.firmsim.simulator.report.ReportData.Estimate;
import org.junit.jupiter.api.Test;

class ReportTextTest {

  @Test
  void escapesHtmlAndMarkdown() {
    assertEquals("&lt;b&gt;&amp;x &quot;q&quot; &#39;s&#39;", ReportText.html("<b>&x \"q\" 's'"));
    assertEquals("a \\| b \\*c\\* &lt;i&gt; d", ReportText.markdown("a | b *c* <i>\nd"));
  }

  @Test
  void slugsAreLowerCaseLettersDigitsAndSingleDashes() {
    assertEquals("total-assets-oibd", ReportText.slug("Total assets / OIBD"));
    assertEquals("b-x", ReportText.slug("<b>&x"));
    assertEquals("roe", ReportText.slug("ROE"));
    assertEquals("x", ReportText.slug("%%"));
  }

  @Test
  void formatsSharesYearsAndCounts() {
    assertEquals("62.3%", ReportText.percent(0.6234));
    assertEquals(ReportText.NONE, ReportText.percent(Double.NaN));
    assertEquals("58.1\u201366.4%", ReportText.percentInterval(new Estimate(0.62, 0.581, 0.664)));
    assertEquals("", ReportText.percentInterval(new Estimate(0.62, Double.NaN, 0.664)));
    assertEquals("2.5 y", ReportText.years(2.5));
    assertEquals("12,346", ReportText.count(12345.6));
  }

  @Test
  void scalesSekToThousandsMillionsOrBillionsAndSharesToPercent() {
    assertEquals("1,234 bn SEK", ReportText.Scale.of("SEK", 1.234e12).format(1.234e12));
    assertEquals("12.3 bn SEK", ReportText.Scale.of("SEK", 1.5e10).format(1.23e10));
    assertEquals("0.500 bn SEK", ReportText.Scale.of("SEK", 1.5e10).format(5e8));
    assertEquals("2.50 M SEK", ReportText.Scale.of("SEK", 2.5e6).format(2.5e6));
    assertEquals("950 k SEK", ReportText.Scale.of("SEK", 9.5e5).format(9.5e5));
    assertEquals("4.22%", ReportText.Scale.of("share", 1).format(0.0422));
    assertEquals("3.10\u20135.46%", ReportText.Scale.of("share", 1).formatRange(0.031, 0.0546));
    assertEquals("1.50 x", ReportText.Scale.of("x", 2).format(1.5));
    assertEquals("0 SEK", ReportText.Scale.of("SEK", 0).format(0));
    assertEquals("-1.23", ReportText.ratio(-1.234));
  }
}
